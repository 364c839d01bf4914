// MockConfig.spa: the site is one document, like the real espace personnel
// (/portail-services-ihm/#/…). Same-site link clicks and form submissions are sent with
// fetch(); the answer's <main> (and header, footer, title) replace the page's, and the
// route is written in the hash (#/espace-personnel/…). There is never a page load.
//
// Like a real one-page app, the previous step stays on screen a moment (150–700 ms after
// the answer came, « Chargement… » shown) before the next one replaces it. Not taken:
// links opening another tab, downloads and files (.pdf, .wav…), the webmail (/mailbox)
// and FranceConnect (other sites). An error answer (5xx, maintenance) is shown in <main>.
"use strict";

(function () {
  const site = window.CarsatSite;
  const OTHER_SITES = /^\/(mailbox|franceconnect|static)(\/|$)/;
  const FILE = /\.[a-z0-9]{2,4}$/i;
  let route = new URL(window.location.href);  // the URL of the view on screen
  route.hash = "";
  let ticket = 0;  // the latest step change wins; earlier answers are dropped
  let shownHash = window.location.hash;

  function routable(url) {
    const file = FILE.test(url.pathname) && !/\.html?$/i.test(url.pathname);
    return url.origin === window.location.origin && !OTHER_SITES.test(url.pathname) && !file;
  }

  function hashOf(url) {
    return "#/" + (url.pathname + url.search).replace(/^\//, "");
  }

  function routeOf(hash) {
    return hash && hash.startsWith("#/") ? new URL("/" + hash.slice(2), window.location.origin) : null;
  }

  function lingerMs() {
    return 150 + Math.floor(site.random() * 550);
  }

  function loading(on) {
    let box = document.querySelector("[data-spa-chargement]");
    const main = document.querySelector("main");
    if (on) {
      if (!box) {
        box = document.createElement("div");
        box.className = "spa-chargement";
        box.setAttribute("role", "status");
        box.dataset.spaChargement = "";
        box.textContent = "Chargement…";
        document.body.append(box);
      }
      if (main) main.setAttribute("aria-busy", "true");
    } else {
      if (box) box.remove();
      if (main) main.removeAttribute("aria-busy");
    }
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function swap(selector, doc) {
    const fresh = doc.querySelector("body > " + selector);
    const old = document.querySelector("body > " + selector);
    if (!fresh || !old) return null;
    const adopted = document.adoptNode(fresh);
    old.replaceWith(adopted);
    return adopted;
  }

  function announce(roots) {
    for (const root of roots) if (root) site.init(root);
    document.dispatchEvent(new CustomEvent("carsat:vue", { detail: { route: route.pathname + route.search } }));
  }

  // An error page (or no answer at all) shown in <main>, the rest of the app kept.
  function showError(html) {
    loading(false);
    const doc = html ? parse(html) : null;
    let main = doc && doc.querySelector("main");
    if (!main) {
      main = document.createElement("main");
      main.innerHTML =
        "<h1>Service momentanément indisponible</h1>" +
        '<p class="message message-erreur" role="alert">La connexion au service a échoué. ' +
        "Veuillez réessayer dans quelques instants.</p>";
    } else {
      main = document.adoptNode(main);
    }
    const old = document.querySelector("body > main");
    if (old) {
      for (const name of ["id", "tabindex"]) if (old.hasAttribute(name)) main.setAttribute(name, old.getAttribute(name));
      old.replaceWith(main);
    }
    if (doc && doc.title) document.title = doc.title;
    announce([main]);
  }

  function render(html, response, push) {
    const doc = parse(html);
    if (!doc.querySelector("body > main")) { showError(null); return; }
    if (!response.ok) { showError(html); return; }
    const main = swap("main", doc);
    const header = swap("header", doc);
    const footer = swap("footer", doc);
    document.title = doc.title;
    document.body.className = doc.body.className;
    route = new URL(response.url);
    route.hash = "";
    const hash = hashOf(route);
    if (push && window.location.hash !== hash) window.history.pushState(null, "", hash);
    shownHash = window.location.hash;
    window.scrollTo(0, 0);
    announce([main, header, footer]);
  }

  async function navigate(target, init = {}, push = true) {
    const url = new URL(target, route);
    const mine = ++ticket;
    const method = (init.method || "GET").toUpperCase();
    loading(true);
    let response = null;
    let html = null;
    try {
      response = await fetch(url, { credentials: "same-origin", ...init, headers: { Accept: "text/html" } });
      const type = response.headers.get("Content-Type") || "";
      if (!type.includes("text/html")) {
        // Not a page (a file, data): what the browser does with a link, without us.
        if (mine === ticket) loading(false);
        if (method === "GET") window.location.assign(response.url);
        return;
      }
      html = await response.text();
    } catch (error) {
      html = null;
    }
    // The previous step lingers, as the real app's does while it renders the next one.
    await new Promise((resolve) => setTimeout(resolve, lingerMs()));
    if (mine !== ticket) return;
    loading(false);
    if (html === null) { showError(null); return; }
    // A failed submission keeps its route: going back to it never sends anything again.
    render(html, response, push && (method === "GET" || response.ok));
  }

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download")) return;
    const target = (link.getAttribute("target") || "").toLowerCase();
    if (target && target !== "_self") return;
    const href = link.getAttribute("href");
    if (!href || href.startsWith("#") || /^(javascript|mailto|tel):/i.test(href)) return;
    const url = new URL(href, route);
    if (!routable(url)) return;
    event.preventDefault();
    navigate(url);
  });

  document.addEventListener("submit", (event) => {
    if (event.defaultPrevented) return;
    const form = event.target;
    const submitter = event.submitter || null;
    if (form.getAttribute("target")) return;
    const action = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") || route.href;
    const method = ((submitter && submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get").toLowerCase();
    const url = new URL(action, route);
    if (!routable(url)) return;
    event.preventDefault();
    let data;
    try {
      data = new FormData(form, submitter);
    } catch (error) {
      data = new FormData(form);
    }
    const fields = new URLSearchParams();
    for (const [name, value] of data) if (typeof value === "string") fields.append(name, value);
    if (method === "post") {
      navigate(url, { method: "POST", body: fields });
    } else {
      url.search = fields.toString();
      navigate(url);
    }
  });

  // Back, forward, a route typed in the address bar.
  window.addEventListener("hashchange", () => {
    if (window.location.hash === shownHash) return;
    const wanted = routeOf(window.location.hash);
    if (wanted) navigate(wanted, {}, false);
  });

  window.CarsatSpa = { navigate: (url) => navigate(url), showError };

  // Opened on a route (#/…): show it.
  document.addEventListener("DOMContentLoaded", () => {
    const wanted = routeOf(window.location.hash);
    if (wanted && wanted.pathname + wanted.search !== route.pathname + route.search) navigate(wanted, {}, false);
  });
})();
