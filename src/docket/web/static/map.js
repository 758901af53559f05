// The incident map: Leaflet with country outlines drawn from world-atlas (served by docket itself),
// no tile server. Popups are built with DOM text nodes, never HTML strings.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { worldCopyJump: true, attributionControl: true }).setView([52, 40], 4);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Outlines: Natural Earth (world-atlas)");
  // Outlines in a pane of their own under the markers' pane, whichever arrives first.
  map.createPane("outlines");
  map.getPane("outlines").style.zIndex = 350;
  var colours = { verified: "#2e7d32", corroborated: "#1f5fa8", reported: "#6a6a6a", disputed: "#b07a10", rejected: "#a33" };

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  get(el.dataset.outlines).then(function (topo) {
    if (typeof topojson === "undefined") { return; }
    var countries = topojson.feature(topo, topo.objects.countries);
    L.geoJSON(countries, { pane: "outlines", style: { color: "#8a9aa8", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 }, interactive: false }).addTo(map);
    el.dataset.outlinesLoaded = "true";
  }).catch(function () { el.dataset.outlinesLoaded = "failed"; });

  get(el.dataset.incidents).then(function (data) {
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1, fillColor: colours[p.status] || "#444", fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        var box = document.createElement("div");
        var a = document.createElement("a");
        a.href = p.url;
        a.textContent = (p.types || []).join(", ") || p.id;
        box.appendChild(a);
        var line = document.createElement("div");
        line.textContent = [p.date || "date unknown", p.place || "", p.status].filter(Boolean).join(" · ");
        box.appendChild(line);
        marker.bindPopup(box);
        marker.on("add", function () {
          var path = marker.getElement && marker.getElement();
          if (path) { path.setAttribute("data-incident", p.id); path.setAttribute("aria-label", a.textContent); }
        });
      }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 7 }); }
    el.dataset.markers = String(data.features.length);
  }).catch(function () { el.dataset.markers = "failed"; });
})();
