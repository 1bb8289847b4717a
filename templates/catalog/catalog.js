/* Catalog page: filter by kind, search by title, print in one click.
   Plain ES2017, no libraries, nothing fetched: the page also works from file://.
   Without script every card shows and every button is a plain link. */
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var tools = document.getElementById("tools");
  if (!tools) return;
  var search = document.getElementById("q");
  var kindButtons = Array.prototype.slice.call(tools.querySelectorAll("button[data-kind]"));
  var status = document.getElementById("status");
  var empty = document.getElementById("empty");
  var state = { kind: "", q: "" };
  tools.hidden = false;

  // Katakana → hiragana, full-width → half-width, no spaces: 「ｽﾄﾚｯﾁ」 finds 「ストレッチ」.
  function fold(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "")
      .replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); });
  }
  cards.forEach(function (card) {
    card.searchText = fold(card.dataset.title + " " + card.dataset.name);
  });

  function say(message) { status.textContent = message; }

  function apply() {
    var q = fold(state.q);
    var shown = 0;
    cards.forEach(function (card) {
      var visible = (!state.kind || card.dataset.kind === state.kind) && card.searchText.indexOf(q) >= 0;
      card.hidden = !visible;
      if (visible) shown += 1;
    });
    kindButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.kind === state.kind));
    });
    empty.hidden = shown > 0;
    say(shown === cards.length ? "全" + cards.length + "件を表示しています。"
                               : cards.length + "件のうち " + shown + "件を表示しています。");
    // Keep the choice in the address, so a reload (live preview) keeps it too.
    var params = new URLSearchParams();
    if (state.kind) params.set("kind", state.kind);
    if (state.q) params.set("q", state.q);
    try { history.replaceState(null, "", params.toString() ? "#" + params : location.pathname + location.search); }
    catch (error) { /* some browsers refuse this on file:// — the filter still works */ }
  }

  var saved = new URLSearchParams(location.hash.slice(1));
  state.kind = kindButtons.some(function (b) { return b.dataset.kind === saved.get("kind"); }) ? saved.get("kind") : "";
  state.q = saved.get("q") || "";
  search.value = state.q;

  kindButtons.forEach(function (button) {
    button.addEventListener("click", function () { state.kind = button.dataset.kind; apply(); });
  });
  search.addEventListener("input", function () { state.q = search.value; apply(); });
  tools.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();

  // Printing. Served over http(s), the PDF loads in an invisible frame and the browser's
  // print dialog opens straight away. From file:// (a file share) browsers forbid
  // scripting another file's frame, and iPad Safari prints only the frame's first page:
  // there the button stays a link that opens the PDF in a new tab, to print from there.
  var iOS = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
            (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var framePrint = /^https?:$/.test(location.protocol) && !iOS;

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-print]");
    if (!link) return;
    var card = link.closest(".card");
    var title = card.dataset.title;
    // The settings the print dialog should show (the PDF asks for them too).
    var setting = card.dataset.printSetting ? "設定は「" + card.dataset.printSetting + "」です。" : "";
    if (!framePrint) {
      say("「" + title + "」を新しいタブで開きました。その画面の印刷ボタン(または Ctrl+P)で印刷してください。" + setting);
      return;  // the link itself opens the PDF
    }
    event.preventDefault();
    var old = document.getElementById("print-frame");
    if (old) old.parentNode.removeChild(old);
    var frame = document.createElement("iframe");
    frame.id = "print-frame";
    frame.className = "print-frame";
    frame.title = "印刷用";
    frame.tabIndex = -1;
    frame.setAttribute("aria-hidden", "true");
    frame.addEventListener("load", function () {
      try {
        frame.contentWindow.focus();
        frame.contentWindow.print();
        say("「" + title + "」の印刷画面を開きました。" + setting);
      } catch (error) {
        say("印刷画面を開けませんでした。「開く」で PDF を開き、その画面から印刷してください。");
      }
    });
    say("「" + title + "」の印刷を準備しています…");
    frame.src = link.href;
    document.body.appendChild(frame);
  });
})();
