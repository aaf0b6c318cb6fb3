// Plotly for the pages that draw charts (see dashboard/server/plotly_bundle.py).
//
// Dash fetches plotly.js only once the first chart's callback has answered, and on a
// first visit reading the bundle is then most of the wait for the first chart: on the
// chart pages it is fetched as the page opens instead (dcc.Graph uses window.Plotly
// when set). Other pages do not fetch it at all, so that evaluating it does not hold
// up their forms; a chart reached from them loads it through Dash as usual.
//
// The bundle Dash's address serves holds only the traces of our figures; the street
// map needs Plotly's full bundle, which `trackerPlotly.loadFull()` loads once and
// which then replaces window.Plotly (dcc.Graph calls the global on every redraw).
(function () {
  "use strict";
  var config = document.getElementById("_dash-config");
  var prefix = config ? JSON.parse(config.textContent).requests_pathname_prefix : "/";
  var suite = prefix + "_dash-component-suites/plotly/package_data/";

  // The address of a bundle, naming its file's bytes (see
  // dashboard/server/static_files.py), so that the browser keeps it.
  function address(name, file) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    return meta ? prefix + meta.content : suite + file;
  }
  var CHART_PAGES = ["", "map"]; // the timeline and the map, below the prefix
  var full = null;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  window.trackerPlotly = {
    loadFull: function () {
      if (full === null) {
        full = load(address("tracker-plotly-full", "plotly-full.min.js"));
      }
      return full;
    },
  };

  var page = window.location.pathname.slice(prefix.length).replace(/\/$/, "");
  if (CHART_PAGES.indexOf(page) !== -1) {
    load(address("tracker-plotly", "plotly.min.js"));
  }
})();
