// Behaviours of the real pages that a tool must cope with: cookie consent answered in
// place, captcha changed without reloading, towns loaded after the postal code, paste
// refused in the confirmation fields, and the RIS block updated like a one-page app.
//
// Elements are found by data-* attributes and structure, never by id (ids may change at
// every page load: MockConfig.random_ids). Every setup works on a root element, so the
// one-page app (spa.js) can run them again on the content it swaps in.
"use strict";

(function () {
  const bound = new WeakSet();  // elements already set up: a second init() is harmless

  function fetchHeaders() {
    return { "X-Requested-With": "fetch" };
  }

  function each(root, selector, setup) {
    const found = root.matches && root.matches(selector) ? [root] : [];
    for (const element of [...found, ...root.querySelectorAll(selector)]) {
      if (bound.has(element)) continue;
      bound.add(element);
      setup(element);
    }
  }

  // The one-page app, when the site is one (spa.js), else ordinary page loads.
  function go(url) {
    if (window.CarsatSpa) window.CarsatSpa.navigate(url);
    else window.location.assign(url);
  }

  function setupCookieBanner(root) {
    each(root, "[data-bandeau-cookies]", (banner) => {
      const form = banner.querySelector("form");
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const choice = event.submitter ? event.submitter.value : "tout-refuser";
        if (choice === "personnaliser") {
          banner.querySelector("[data-bandeau-perso]").hidden = false;
          return;
        }
        const data = new FormData(form);
        data.set("choix", choice);
        await fetch(form.action, { method: "POST", body: data, headers: fetchHeaders() });
        banner.remove();
      });
    });
  }

  function setupNoPaste(root) {
    each(root, "[data-no-paste]", (field) => {
      for (const kind of ["paste", "drop"]) {
        field.addEventListener(kind, (event) => {
          event.preventDefault();
          const hint = field.parentElement.querySelector(".aide");
          if (hint) hint.textContent = "(ne pas copier-coller) Le copier-coller n'est pas autorisé dans ce champ.";
        });
      }
    });
  }

  function setupCaptcha(root) {
    each(root, "[data-captcha-nouvelle]", (link) => {
      link.addEventListener("click", async (event) => {
        event.preventDefault();
        const response = await fetch(link.dataset.captchaNouvelle, { method: "POST", headers: fetchHeaders() });
        const data = await response.json();
        const scope = link.closest("form") || document;
        scope.querySelector("[data-captcha-image]").src = data.image;
        scope.querySelector("[data-captcha-audio]").href = data.audio;
        scope.querySelector("[data-captcha-code]").value = "";
      });
    });
  }

  function setupTowns(root) {
    each(root, "[data-communes]", (postal) => {
      const scope = postal.closest("form") || document;
      const town = scope.querySelector("[data-ville]");
      if (!town) return;
      const status = scope.querySelector("[data-statut-communes]");
      const country = scope.querySelector("[data-pays-select]");
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
        let data;
        try {
          const response = await fetch(postal.dataset.communes + "?code_postal=" + encodeURIComponent(code),
                                       { headers: { ...fetchHeaders(), Accept: "application/json" } });
          if (!response.ok) throw new Error(String(response.status));
          data = await response.json();
        } catch (error) {
          if (mine !== sequence) return;
          status.textContent = "La recherche des villes a échoué : modifiez le code postal pour réessayer.";
          return;
        }
        if (mine !== sequence) return;  // a later keystroke already asked again
        fill(data.communes);
        status.textContent = data.communes.length ? "" : "Code postal inconnu.";
      }

      // Like the real autocomplete: ask once the typing pauses, not at every key.
      postal.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(load, 250); });
      // A code typed before this script ran (the page shown, its deferred script still
      // on its way) is not lost: its towns are asked now. A page the server sent back
      // with its towns already listed keeps them (and the town chosen).
      if (postal.value.trim() && town.disabled) load();

      function showCountryFields() {
        const france = country.value === "FRANCE";
        for (const block of scope.querySelectorAll("[data-pays]")) {
          block.hidden = (block.dataset.pays === "FRANCE") !== france;
        }
      }
      if (country) country.addEventListener("change", showCountryFields);
    });
  }

  function setupRisBlock(root) {
    each(root, "[data-bloc-ris]", (block) => {
      block.addEventListener("submit", async (event) => {
        const form = event.target;
        if (!form.hasAttribute("data-fetch")) return;
        event.preventDefault();
        const url = form.dataset.fetch || form.action;
        const init = { headers: fetchHeaders(), credentials: "same-origin" };
        if (form.method.toLowerCase() === "post") { init.method = "POST"; init.body = new FormData(form); }
        let response;
        try {
          response = await fetch(url, init);
        } catch (error) {
          if (window.CarsatSpa) window.CarsatSpa.showError(null);
          return;
        }
        const text = await response.text();
        if (response.status === 401) {  // session expired: the server says where to log in again
          go(JSON.parse(text).redirect);
          return;
        }
        if (!response.ok) {  // 5xx, maintenance: show the site's page, as a navigation would
          if (window.CarsatSpa) { window.CarsatSpa.showError(text); return; }
          document.open(); document.write(text); document.close();
          return;
        }
        block.innerHTML = text;
      });
    });
  }

  function init(root) {
    setupCookieBanner(root);
    setupNoPaste(root);
    setupCaptcha(root);
    setupTowns(root);
    setupRisBlock(root);
  }

  // Randomness of the drifting site (spa.js, drift.js): reproducible when the server
  // gives a seed (MockConfig.drift_seed), mulberry32.
  function seeded(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const seed = document.body && document.body.dataset.driftSeed;
  const random = seed ? seeded(Number(seed)) : Math.random;

  window.CarsatSite = { init, go, fetchHeaders, random };
  document.addEventListener("DOMContentLoaded", () => init(document));
})();
