// Cell renderers and functions of the dashboard's grids (dash-ag-grid reads them
// from here).
//
// EventLink: a real link to the event page that opens in a new tab, so a reader can
// middle-click, copy it or open several events side by side; a click handler alone
// offers none of that.
(function () {
  "use strict";
  var functions = (window.dashAgGridComponentFunctions =
    window.dashAgGridComponentFunctions || {});
  var gridFunctions = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

  // keepOrder: the events table is sorted by the server over every matching event;
  // the grid shows the arrow of that sort but keeps the rows in the order given.
  gridFunctions.keepOrder = function () {
    return 0;
  };

  functions.EventLink = function (props) {
    var id = Number(props.value);
    if (!Number.isInteger(id) || id < 1) {
      return null;
    }
    return React.createElement(
      "a",
      {
        href: "/events/" + id,
        target: "_blank",
        rel: "noopener",
        className: "row-link",
        title: "Open event " + id + " in a new tab",
      },
      "Open"
    );
  };
})();
