// The traces the dashboard's figures draw (dashboard/figures/): scatter comes with
// the core; bar for the counts and spans, scattergeo for the offline outline map.
// The street map (scattermap, with MapLibre: 1.7 MB more) is not here: the map page
// loads Plotly's full bundle when a user picks it.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/scattergeo')]);

module.exports = Plotly;
