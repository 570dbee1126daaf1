// insertgen serve: live updates over server-sent events, and the guide switches.
"use strict";

const GUIDES_KEY = "insertgen.serve.guides";

function chosenGuides() {
  const form = document.querySelector("form.guides");
  if (!form) return null;
  return Array.from(form.querySelectorAll("input[type=checkbox]"))
    .filter((box) => box.checked).map((box) => box.name);
}

function restoreGuides() {
  const form = document.querySelector("form.guides");
  if (!form) return;
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(GUIDES_KEY)); } catch (e) { saved = null; }
  if (Array.isArray(saved)) {
    for (const box of form.querySelectorAll("input[type=checkbox]")) box.checked = saved.includes(box.name);
  }
  applyGuides();
}

function applyGuides() {
  const guides = chosenGuides();
  if (guides === null) return;
  try { localStorage.setItem(GUIDES_KEY, JSON.stringify(guides)); } catch (e) { /* private mode */ }
  for (const img of document.querySelectorAll("img.page")) {
    const url = new URL(img.dataset.src, location.href);
    url.searchParams.set("guides", guides.join(","));
    const next = url.pathname + url.search;
    if (img.getAttribute("src") !== next) img.setAttribute("src", next);
  }
}

let refreshing = null;
let again = false;

async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = (async () => {
    do {
      again = false;
      const response = await fetch(location.href, { headers: { "Accept": "text/html" } });
      const html = await response.text();
      const fresh = new DOMParser().parseFromString(html, "text/html");
      const main = fresh.querySelector("main");
      if (main) document.querySelector("main").replaceWith(main);
      document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
      restoreGuides();
    } while (again);
  })();
  try { await refreshing; } finally { refreshing = null; }
}

function listen() {
  const watched = JSON.parse(document.body.dataset.watch || "[]");
  const params = new URLSearchParams({ since: document.body.dataset.lastEvent || "0" });
  for (const path of watched) params.append("doc", path);
  const live = document.getElementById("live");
  const source = new EventSource("/events?" + params.toString());
  source.onopen = () => { live.textContent = "live"; live.classList.add("on"); };
  source.onerror = () => { live.textContent = "reconnecting…"; live.classList.remove("on"); };
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "catalog" || (event.type === "document" && (!watched.length || watched.includes(event.path)))) {
      refresh();
    }
  };
}

document.addEventListener("change", (event) => {
  if (event.target.closest("form.guides")) applyGuides();
});
document.addEventListener("DOMContentLoaded", () => { restoreGuides(); listen(); });
