// HDH portal partial Plotly bundle: only the trace types the portal draws, plus the French locale.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/pie'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/sankey'),
    require('plotly.js/lib/locales/fr'),
]);
module.exports = Plotly;
