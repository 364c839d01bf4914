// The drifting site's interruptions (MockConfig.late_dialogs) and the record of what is
// typed into look-alike fields (MockConfig.decoys).
//
// Interruptions come by script at a random moment, 0.2 to 3 s after the page loads and
// after every step change of the one-page app (event « carsat:vue » of spa.js), maybe
// while a form is being filled:
//   * the consent banner of the State design system (DSFR), until it is answered;
//   * « Votre avis nous intéresse », a modal survey, once per browser session (a
//     session cookie, so a second tab does not show it again);
//   * « Votre session va expirer », a modal, on the pages of the espace personnel.
// Their markup is in the page (<template data-modele>), so reword and random_ids reach it.
"use strict";

(function () {
  const site = window.CarsatSite;
  const flags = (document.body.dataset.drift || "").split(/\s+/);
  const SURVEY_SEEN = "enquete_satisfaction_vue";
  // What was shown, for tests and trainers: window.__carsatDrift.dialogues.
  const log = (window.__carsatDrift = window.__carsatDrift || { dialogues: [] });
  let timers = [];

  function delay() {
    return 200 + Math.floor(site.random() * 2800);
  }

  function template(name) {
    return document.querySelector(`template[data-modele="${name}"]`);
  }

  function instance(name) {
    const model = template(name);
    return model ? model.content.firstElementChild.cloneNode(true) : null;
  }

  function modalOpen() {
    return document.querySelector("dialog[open]") !== null;
  }

  function shown(name) {
    log.dialogues.push({ nom: name, route: window.location.pathname + window.location.hash, t: Date.now() });
  }

  function later(show) {
    timers.push(setTimeout(show, delay()));
  }

  function openModal(dialog) {
    document.body.append(dialog);
    dialog.addEventListener("close", () => dialog.remove());
    dialog.showModal();
  }

  function hasCookie(name) {
    return document.cookie.split(";").some((part) => part.trim().startsWith(name + "="));
  }

  // --- consent (DSFR) ------------------------------------------------------------------
  function consentAnswered() {
    return hasCookie("consentement_cookies");
  }

  async function sendConsent(banner, choice, audience) {
    const fields = new URLSearchParams({ choix: choice, retour: window.location.pathname });
    if (audience) fields.set("audience", "oui");
    await fetch(banner.dataset.action, {
      method: "POST", body: fields, headers: site.fetchHeaders(), credentials: "same-origin",
    });
    banner.remove();
  }

  function openConsentPanel(banner) {
    const panel = instance("consentement-panneau");
    if (!panel || document.querySelector("[data-drift-panneau]")) return;
    const audience = (value) => panel.querySelector(`[data-audience="${value}"]`);
    for (const all of panel.querySelectorAll("[data-tout]")) {
      all.addEventListener("change", () => {
        audience(all.dataset.tout === "accepter" ? "oui" : "non").checked = true;
      });
    }
    panel.querySelector("[data-fermer]").addEventListener("click", () => panel.close());
    panel.querySelector("[data-confirmer]").addEventListener("click", async () => {
      await sendConsent(banner, "enregistrer", audience("oui").checked);
      panel.close();
    });
    openModal(panel);
    shown("consentement-panneau");
  }

  function showConsent() {
    if (consentAnswered() || document.querySelector("[data-drift-consentement]")) return;
    const banner = instance("consentement");
    if (!banner) return;
    for (const button of banner.querySelectorAll("[data-choix]")) {
      button.addEventListener("click", () => {
        const choice = button.dataset.choix;
        if (choice === "personnaliser") openConsentPanel(banner);
        else sendConsent(banner, choice, false);
      });
    }
    document.body.append(banner);
    shown("consentement");
  }

  // --- satisfaction survey ---------------------------------------------------------------
  function showSurvey() {
    if (hasCookie(SURVEY_SEEN)) return;
    if (modalOpen()) { later(showSurvey); return; }
    const dialog = instance("enquete");
    if (!dialog) return;
    document.cookie = SURVEY_SEEN + "=1; path=/; SameSite=Lax";  // no expiry: this browser session
    for (const selector of ["[data-fermer]", "[data-non-merci]", "[data-repondre]"]) {
      dialog.querySelector(selector).addEventListener("click", () => dialog.close());
    }
    openModal(dialog);
    shown("enquete");
  }

  // --- « Votre session va expirer » ------------------------------------------------------
  function inEspace() {
    return document.querySelector("main [data-espace]") !== null;
  }

  function showSessionWarning() {
    if (!inEspace() || document.querySelector("[data-drift-session]")) return;
    if (modalOpen()) { later(showSessionWarning); return; }
    const dialog = instance("session");
    if (!dialog) return;
    dialog.querySelector("[data-prolonger-session]").addEventListener("click", async () => {
      dialog.close();
      const response = await fetch(dialog.dataset.prolonger, {
        method: "POST", headers: site.fetchHeaders(), credentials: "same-origin",
      });
      if (response.status === 401) site.go((await response.json()).redirect);
    });
    dialog.querySelector("[data-me-deconnecter]").addEventListener("click", () => {
      dialog.close();
      site.go(dialog.dataset.deconnexion);
    });
    openModal(dialog);
    shown("session");
  }

  function arm() {
    for (const timer of timers) clearTimeout(timer);
    timers = [];
    if (template("consentement") && !consentAnswered()) later(showConsent);
    if (template("enquete") && !hasCookie(SURVEY_SEEN)) later(showSurvey);
    if (template("session") && inEspace()) later(showSessionWarning);
  }

  if (flags.includes("late_dialogs")) {
    document.addEventListener("DOMContentLoaded", arm);
    document.addEventListener("carsat:vue", arm);
  }

  // --- decoy fields: typed into, even if their form is never sent -------------------------
  const typed = new WeakSet();
  document.addEventListener("input", (event) => {
    const field = event.target.closest ? event.target.closest("[data-leurre-champ]") : null;
    const form = field && field.closest("form[data-leurre-saisie]");
    if (!form || typed.has(field)) return;
    typed.add(field);
    const origin = form.querySelector("[data-depuis]");
    const fields = new URLSearchParams({ champ: field.dataset.leurreChamp, depuis: origin ? origin.value : "/" });
    fetch(form.dataset.leurreSaisie, { method: "POST", body: fields, credentials: "same-origin", keepalive: true });
  });
})();
