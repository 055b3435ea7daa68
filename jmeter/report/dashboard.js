// Added to JMeter's dashboard by bin/load. JMeter divides a row's samples by the time between its
// first start and last end: for one sample that is its latency upside down, not a rate. Rows of
// fewer than 5 samples show "–" instead (the same rule as bin/load's summary). Runs after the
// dashboard's own ready handler, which builds the table.
$(function () {
  var table = $("#statisticsTable");
  var titles = table.find("thead tr").last().children().map(function () {
    return $(this).text().trim();
  }).get();
  var samples = titles.indexOf("#Samples");
  var rate = titles.indexOf("Transactions/s");
  if (samples < 0 || rate < 0) {
    return;
  }
  table.find("tbody tr").each(function () {
    var cells = $(this).children("td");
    if (parseInt(cells.eq(samples).text(), 10) < 5) {
      cells.eq(rate).text("–").attr("title", "fewer than 5 samples: not a rate");
    }
  });
});
