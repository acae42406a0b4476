// HDH portal basic Plotly bundle: the trace types of most chart pages (bars, pies, and the
// scatter of the core), plus the French locale. Pages with a map or a Sankey load entry.js's.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/pie'),
    require('plotly.js/lib/locales/fr'),
]);
module.exports = Plotly;
