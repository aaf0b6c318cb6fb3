"""The hostile-request campaign of issue #18: generated bad requests over real HTTP.

`python -m bench.fuzz --backend sqlite --requests 10000` prepares a database (the seed
events plus generated ones), serves the dashboard under gunicorn with threaded
workers as the README says, logs in and sends seeded hostile requests: every filter
field with bad values, every Dash callback with mutated bodies, every upload with
mutated files, logins and log-outs with tampered cookies and cross-origin posts. It
fails on any response >= 500, any traceback in the server log, any table count
changed by a refused request, or a server that stopped answering."""
