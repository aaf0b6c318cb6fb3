// Start loading Plotly's bundle as the page opens. Dash fetches it only once the
// first chart's callback has answered, and on a cold cache reading the bundle is
// then most of the wait for the first chart; dcc.Graph uses window.Plotly when set.
(function () {
  "use strict";
  var config = document.getElementById("_dash-config");
  var prefix = config ? JSON.parse(config.textContent).requests_pathname_prefix : "/";
  var script = document.createElement("script");
  script.src = prefix + "_dash-component-suites/plotly/package_data/plotly.min.js";
  script.async = true;
  document.head.appendChild(script);
})();
