// Behaviours of the real pages that a tool must cope with: cookie consent answered in
// place, captcha changed without reloading, towns loaded after the postal code, paste
// refused in the confirmation fields, and the RIS block updated like a one-page app.
"use strict";

function fetchHeaders() {
  return { "X-Requested-With": "fetch" };
}

function setupCookieBanner() {
  const banner = document.getElementById("bandeau-cookies");
  if (!banner) return;
  const form = banner.querySelector("form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const choice = event.submitter ? event.submitter.value : "tout-refuser";
    if (choice === "personnaliser") {
      document.getElementById("bandeau-perso").hidden = false;
      return;
    }
    const data = new FormData(form);
    data.set("choix", choice);
    await fetch(form.action, { method: "POST", body: data, headers: fetchHeaders() });
    banner.remove();
  });
}

function setupNoPaste() {
  for (const field of document.querySelectorAll("[data-no-paste]")) {
    for (const kind of ["paste", "drop"]) {
      field.addEventListener(kind, (event) => {
        event.preventDefault();
        const hint = field.parentElement.querySelector(".aide");
        if (hint) hint.textContent = "(ne pas copier-coller) Le copier-coller n'est pas autorisé dans ce champ.";
      });
    }
  }
}

function setupCaptcha() {
  const link = document.querySelector("[data-captcha-nouvelle]");
  if (!link) return;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch(link.dataset.captchaNouvelle, { method: "POST", headers: fetchHeaders() });
    const data = await response.json();
    document.getElementById("image-securite").src = data.image;
    document.getElementById("lien-audio").href = data.audio;
    const field = document.getElementById("code_securite");
    field.value = "";
  });
}

function setupTowns() {
  const postal = document.getElementById("code_postal");
  const town = document.getElementById("ville");
  if (!postal || !town) return;
  const status = document.getElementById("statut-communes");
  const country = document.getElementById("pays");
  let timer = null;
  let sequence = 0;

  function fill(names) {
    town.innerHTML = "";
    if (names.length !== 1) {
      town.add(new Option(names.length ? "Sélectionnez votre ville" : "", ""));
    }
    for (const name of names) town.add(new Option(name, name, false, names.length === 1));
    town.disabled = names.length === 0;
  }

  async function load() {
    const code = postal.value.trim();
    if (!/^\d{5}$/.test(code)) { fill([]); status.textContent = ""; return; }
    const mine = ++sequence;
    town.disabled = true;
    status.textContent = "Recherche des villes…";
    const response = await fetch(postal.dataset.communes + "?code_postal=" + encodeURIComponent(code),
                                 { headers: { ...fetchHeaders(), Accept: "application/json" } });
    const data = await response.json();
    if (mine !== sequence) return;  // a later keystroke already asked again
    fill(data.communes);
    status.textContent = data.communes.length ? "" : "Code postal inconnu.";
  }

  // Like the real autocomplete: ask once the typing pauses, not at every key.
  postal.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(load, 250); });

  function showCountryFields() {
    const france = country.value === "FRANCE";
    for (const block of document.querySelectorAll("[data-pays]")) {
      block.hidden = (block.dataset.pays === "FRANCE") !== france;
    }
  }
  country.addEventListener("change", showCountryFields);
}

function setupRisBlock() {
  const block = document.getElementById("bloc-ris");
  if (!block) return;
  block.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.hasAttribute("data-fetch")) return;
    event.preventDefault();
    const url = form.dataset.fetch || form.action;
    const init = { headers: fetchHeaders(), credentials: "same-origin" };
    if (form.method.toLowerCase() === "post") { init.method = "POST"; init.body = new FormData(form); }
    const response = await fetch(url, init);
    const text = await response.text();
    if (response.status === 401) {  // session expired: the server says where to log in again
      window.location.assign(JSON.parse(text).redirect);
      return;
    }
    if (!response.ok) {  // 5xx, maintenance: show the site's page, as a navigation would
      document.open(); document.write(text); document.close();
      return;
    }
    block.innerHTML = text;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupCookieBanner();
  setupNoPaste();
  setupCaptcha();
  setupTowns();
  setupRisBlock();
});
