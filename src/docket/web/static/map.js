// The incident map: Leaflet with country outlines drawn from world-atlas (served by docket itself),
// no tile server. Popups are built with DOM text nodes, never HTML strings.
// The server answers for the view (bbox, zoom): the incidents one by one where few are in view, else
// clusters with their counts (docket.web.aggregate); the map asks again when it is moved or zoomed,
// unless the first answer already held every incident.
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
  var layer = null;
  var complete = false;  // the last answer held every incident: moving the map needs no new one
  var asked = 0;
  var timer = null;

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

  function line(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div;
  }

  function incidentMarker(p, latlng) {
    var marker = L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1, fillColor: colours[p.status] || "#444", fillOpacity: 0.9 });
    var box = document.createElement("div");
    var a = document.createElement("a");
    a.href = p.url;
    a.textContent = (p.types || []).join(", ") || p.id;
    box.appendChild(a);
    box.appendChild(line([p.date || "date unknown", p.place || "", p.status].filter(Boolean).join(" · ")));
    marker.bindPopup(box);
    marker.on("add", function () {
      var path = marker.getElement && marker.getElement();
      if (path) { path.setAttribute("data-incident", p.id); path.setAttribute("aria-label", a.textContent); }
    });
    return marker;
  }

  function clusterMarker(p, latlng) {
    var size = Math.round(26 + 8 * Math.log10(Math.max(1, p.count)));
    var label = document.createElement("span");
    label.textContent = String(p.count);
    var marker = L.marker(latlng, { icon: L.divIcon({ html: label, className: "cluster", iconSize: [size, size] }),
                                    title: p.count + " incidents", keyboard: true });
    var box = document.createElement("div");
    box.appendChild(line(p.count + " incidents"));
    box.appendChild(line(Object.keys(p.statuses).map(function (s) { return s + " " + p.statuses[s]; }).join(" · ")));
    box.appendChild(line("Zoom in to see each."));
    marker.bindPopup(box);
    marker.on("click", function () {
      var b = p.bounds;
      if (b[0] < b[2] || b[1] < b[3]) {
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30] });
      } else {
        map.setView(latlng, Math.min(map.getZoom() + 3, map.getMaxZoom()));
      }
    });
    marker.on("add", function () {
      var icon = marker.getElement && marker.getElement();
      if (icon) { icon.setAttribute("data-cluster", String(p.count)); }
    });
    return marker;
  }

  function show(data, first) {
    if (layer) { map.removeLayer(layer); }
    var points = 0, clusters = 0;
    layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        if (feature.properties.cluster) { clusters += 1; return clusterMarker(feature.properties, latlng); }
        points += 1;
        return incidentMarker(feature.properties, latlng);
      }
    }).addTo(map);
    if (first && data.features.length) { map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 7 }); }
    el.dataset.mode = data.mode || "points";
    el.dataset.clusters = String(clusters);
    el.dataset.inView = String(data.in_view === undefined ? points : data.in_view);
    el.dataset.markers = String(points);
  }

  function ask(first) {
    var url = el.dataset.incidents;
    if (!first) {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(4); }).join(",");
      url += (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox + "&zoom=" + map.getZoom();
    }
    var mine = ++asked;
    el.dataset.loading = "true";
    get(url).then(function (data) {
      if (mine !== asked) { return; }  // a later view's answer is on its way
      complete = first && data.mode === "points" && !data.truncated;
      show(data, first);
      delete el.dataset.loading;
    }).catch(function () { el.dataset.markers = "failed"; delete el.dataset.loading; });
  }

  map.on("moveend", function () {
    if (complete || asked === 0) { return; }
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { ask(false); }, 200);
  });
  ask(true);
})();
