/* The split view: select words in an article, save them as an attributed claim.
 *
 * Positions are W3C TextPositionSelector offsets in Unicode code points (the server's
 * Python string indices), so every count here goes through codePoints(); JavaScript's own
 * string indices count UTF-16 units and differ on astral characters.
 */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($("split-data").textContent);
  const root = $("split");
  const textEl = $("split-text");
  const form = $("claim-form");
  const canAdd = root.dataset.canAdd === "1";
  const codePoints = (s) => Array.from(s);
  const chars = codePoints(data.text);
  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1] || "";

  let claims = data.claims.slice();
  let suggestions = [];
  let current = -1; // index of the focused suggestion
  let pending = null; // {start, end, quote}
  let speakerChoices = new Map(); // name -> id
  const speakerResolved = new Map(); // typed name (an alias, a near spelling) -> the speaker's name
  let speakerClosest = []; // the existing speakers nearest the typed name, from the server

  function slice(start, end) {
    return chars.slice(start, end).join("");
  }

  async function call(url, body, method) {
    const response = await fetch(url, {
      method: method || "POST",
      headers: {"Content-Type": "application/json", "X-CSRFToken": decodeURIComponent(csrf)},
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let payload = {};
    try { payload = await response.json(); } catch (e) { payload = {error: response.statusText}; }
    if (!response.ok) {
      const error = new Error(payload.error || response.statusText);
      error.payload = payload;
      throw error;
    }
    return payload;
  }

  /* --- Rendering the text with its claims ---------------------------------------- */

  function render() {
    const cuts = new Set([0, chars.length]);
    for (const c of claims) { cuts.add(c.start); cuts.add(c.end); }
    const points = Array.from(cuts).sort((a, b) => a - b);
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < points.length - 1; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const covering = claims.filter((c) => c.start <= a && c.end >= b);
      const piece = document.createTextNode(slice(a, b));
      if (!covering.length) { fragment.appendChild(piece); continue; }
      const top = covering[covering.length - 1];
      const mark = document.createElement("mark");
      mark.className = "claim status-" + top.status + (top.anchor === "orphaned" ? " orphan" : "");
      mark.style.backgroundColor = top.colour;
      mark.dataset.claim = top.id;
      mark.title = covering.map((c) => c.speaker.name + " · " + c.status_label + " · " + c.claim).join("\n");
      mark.appendChild(piece);
      fragment.appendChild(mark);
    }
    textEl.replaceChildren(fragment);
    renderClaims();
  }

  function renderClaims() {
    const list = $("claims");
    list.replaceChildren();
    for (const c of claims.slice().sort((x, y) => x.start - y.start)) {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = c.colour;
      const link = document.createElement("a");
      link.href = c.url;
      link.textContent = c.claim;
      const meta = document.createElement("span");
      meta.className = "split-hint";
      meta.textContent = " — " + c.speaker.name + " · " + c.status_label +
        (c.rating ? " · " + c.rating : "") + (c.anchor === "orphaned" ? " · ⚠ " + c.anchor : "") +
        (c.assignee ? " · @" + c.assignee : "");
      li.append(swatch, link, meta);
      for (const badge of c.source_badges || []) {
        const b = document.createElement("span");
        b.className = "source-badge source-badge--" + badge.state;
        b.textContent = badge.label;
        li.append(" ", b);
      }
      list.appendChild(li);
    }
  }

  /* --- Selection → code point offsets --------------------------------------------- */

  function offsetOf(node, unitOffset) {
    // Code points before (node, unitOffset) inside textEl.
    let total = 0;
    const walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      if (n === node) return total + codePoints(n.data.slice(0, unitOffset)).length;
      total += codePoints(n.data).length;
    }
    if (node === textEl) {
      // Offsets relative to the element count child nodes.
      let before = 0;
      for (let i = 0; i < unitOffset && i < textEl.childNodes.length; i++) {
        before += codePoints(textEl.childNodes[i].textContent).length;
      }
      return before;
    }
    return null;
  }

  function currentSelection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!textEl.contains(range.commonAncestorContainer)) return null;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    // Trim surrounding whitespace the way a person means it.
    while (start < end && /\s/.test(chars[start])) start++;
    while (end > start && /\s/.test(chars[end - 1])) end--;
    if (end <= start) return null;
    return {start, end, quote: slice(start, end)};
  }

  function selectSpan(start, end) {
    const walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT);
    let total = 0, n, range = document.createRange(), started = false;
    const unitIndex = (s, cps) => codePoints(s).slice(0, cps).join("").length;
    while ((n = walker.nextNode())) {
      const len = codePoints(n.data).length;
      if (!started && start <= total + len) { range.setStart(n, unitIndex(n.data, start - total)); started = true; }
      if (started && end <= total + len) { range.setEnd(n, unitIndex(n.data, end - total)); break; }
      total += len;
    }
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    const rect = range.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) {
      (range.startContainer.parentElement || textEl).scrollIntoView({block: "center"});
    }
  }

  /* --- The claim form --------------------------------------------------------------- */

  function openForm(span, speaker, attribution) {
    if (!canAdd) return;
    pending = span;
    $("form-quote").textContent = "„" + span.quote + "“";
    // The offsets are for machines: a tooltip on the quote, not text on the page.
    $("form-quote").title = gettext("Characters %(start)s–%(end)s of the article")
      .replace("%(start)s", span.start).replace("%(end)s", span.end);
    hideTouchButton();
    $("form-speaker").value = speaker ? speaker.name : "";
    if (speaker && speaker.id) speakerChoices.set(speaker.name, speaker.id);
    $("form-attribution").value = attribution || "direct";
    $("form-claim").value = "";
    $("form-error").textContent = "";
    $("already-checked").replaceChildren();
    updateSpeakerHint();
    updateCount();
    form.hidden = false;
    const field = speaker ? $("form-claim") : $("form-speaker");
    if (touchMode) {
      // On a phone the form is below the text: bring it up, then type.
      form.scrollIntoView({block: "start"});
      field.focus({preventScroll: true});
    } else {
      field.focus({preventScroll: true});
    }
  }

  function closeForm() {
    form.hidden = true;
    pending = null;
    textEl.focus({preventScroll: true});
  }

  // Keeps the page where it is while ``change`` re-renders the text and lists.
  function keepingScroll(change) {
    const [x, y] = [window.scrollX, window.scrollY];
    const sideTop = side.scrollTop;
    change();
    window.scrollTo(x, y);
    side.scrollTop = sideTop;
  }

  function updateCount() {
    const n = codePoints($("form-claim").value).length;
    const el = $("claim-count");
    el.textContent = n + " / 75";
    el.classList.toggle("over", n > 75);
  }

  function updateSpeakerHint() {
    const name = $("form-speaker").value.trim();
    const known = speakerChoices.get(name);
    const resolved = speakerResolved.get(name);
    const closest = speakerClosest.map((m) => m.name).join(", ");
    $("speaker-hint").textContent = !name ? "" :
      known ? "✓ " + (resolved && resolved !== name ? resolved + " (" + name + ")" : name) :
      "＋ " + gettext("New speaker") + ": " + name +
      (closest ? " · " + gettext("closest existing") + ": " + closest : "");
    const aliasRow = $("alias-row");
    aliasRow.hidden = !name || !!known || speakerChoices.size === 0;
    if (!aliasRow.hidden) {
      $("alias-button").textContent = gettext("Add as alias of…");
    }
  }

  // The page's words come translated with the page (newsdesk/admin/split.py).
  function gettext(s) { return (data.labels && data.labels[s]) || s; }

  let searchTimer = null;
  function searchSpeakers() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
      const term = $("form-speaker").value.trim();
      const params = new URLSearchParams({app_label: "claims", model_name: "claim", field_name: "speaker", term});
      try {
        const r = await fetch(data.urls.speaker_search + "?" + params, {credentials: "same-origin"});
        const payload = await r.json();
        const list = $("speaker-options");
        list.replaceChildren();
        for (const item of payload.results || []) {
          speakerChoices.set(item.text, Number(item.id));
          const option = document.createElement("option");
          option.value = item.text;
          list.appendChild(option);
        }
        if (term && data.urls.speaker_resolve) {
          const rr = await fetch(data.urls.speaker_resolve + "?" + new URLSearchParams({q: term}), {credentials: "same-origin"});
          const resolved = await rr.json();
          speakerClosest = resolved.closest || [];
          if (resolved.match) {
            speakerChoices.set(term, Number(resolved.match.id));
            speakerResolved.set(term, resolved.match.name);
          }
        }
        updateSpeakerHint();
      } catch (e) { /* the hint stays as it was */ }
    }, 150);
  }

  let similarTimer = null;
  function searchSimilar() {
    clearTimeout(similarTimer);
    similarTimer = setTimeout(async () => {
      const q = $("form-claim").value.trim();
      if (q.length < 8) { $("already-checked").replaceChildren(); return; }
      try {
        const r = await fetch(data.urls.similar + "?" + new URLSearchParams({q, language: data.language || ""}), {credentials: "same-origin"});
        showSimilar((await r.json()).results || []);
      } catch (e) { /* nothing to show */ }
    }, 300);
  }

  function showSimilar(results) {
    const box = $("already-checked");
    box.replaceChildren();
    if (!results.length) return;
    const h = document.createElement("p");
    h.className = "split-hint";
    h.textContent = gettext("Already checked?");
    box.appendChild(h);
    const ul = document.createElement("ul");
    for (const item of results) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = item.url;
      a.target = "_blank";
      a.rel = "noopener";
      if (item.id) {
        /* A published check the span repeats: "already checked: <rating> — <headline>". */
        a.textContent = item.headline || item.claim;
        li.append(document.createTextNode(((data.labels || {}).already_checked || "already checked:") + " " + (item.rating || "–") + " — "), a);
        if (data.can_record_appearance && data.urls.appearance) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "button";
          button.textContent = (data.labels || {}).record_appearance || "Record as another appearance";
          button.addEventListener("click", () => recordAppearance(item, button));
          li.append(document.createTextNode(" "), button);
        }
      } else {
        a.textContent = item.claim;
        li.append(a, document.createTextNode(
          " (" + Math.round(item.score * 100) + "%" + (item.rating ? ", " + item.rating : "") + ")"));
      }
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }

  async function recordAppearance(item, button) {
    button.disabled = true;
    try {
      await call(data.urls.appearance, {claim: item.id, quote: pending ? pending.quote : ""});
      const done = (data.labels || {}).appearance_recorded || "Recorded as another appearance of the published check.";
      button.replaceWith(document.createTextNode("✓ " + done));
      announce(done);
    } catch (e) {
      button.disabled = false;
      announce(e.message);
    }
  }

  async function saveClaim(event) {
    if (event) event.preventDefault();
    if (!pending) return;
    const name = $("form-speaker").value.trim();
    const body = {
      start: pending.start, end: pending.end, quote: pending.quote,
      attribution: $("form-attribution").value,
      claim: $("form-claim").value.trim(),
    };
    if (speakerChoices.has(name)) body.speaker = speakerChoices.get(name); else body.speaker_name = name;
    try {
      if (!speakerChoices.has(name) && name && data.urls.speaker_resolve) {
        // Ask before saving: a name the desk knows (name, alias or near spelling) is used
        // as it is; a new speaker only by an explicit choice, seeing the closest ones.
        const r = await fetch(data.urls.speaker_resolve + "?" + new URLSearchParams({q: name}),
          {credentials: "same-origin"});
        const resolved = r.ok ? await r.json() : {match: null, closest: []};
        if (resolved.match) {
          body.speaker = resolved.match.id;
          delete body.speaker_name;
        } else {
          const closest = (resolved.closest || []).map((m) => "• " + m.name).join("\n");
          const question = gettext("Create a new speaker?") + " " + name +
            (closest ? "\n\n" + gettext("Closest existing speakers:") + "\n" + closest +
              "\n\n" + gettext("Cancel, then type one of these names to use it.") : "");
          if (!window.confirm(question)) return;
          body.new_speaker = true;
        }
      }
      const payload = await call(data.urls.claims, body);
      claims.push(payload.claim);
      const saved = pending;
      keepingScroll(() => {
        suggestions = suggestions.filter((s) => s.end <= saved.start || s.start >= saved.end);
        render();
        renderSuggestions();
        closeForm();
      });
      if (payload.similar && payload.similar.length) {
        announce(gettext("Saved. Similar published claims exist: check the list."));
      } else {
        announce(gettext("Claim saved.") + " " + payload.claim.claim);
      }
    } catch (e) {
      $("form-error").textContent = e.message;
    }
  }

  async function addAlias() {
    const alias = $("form-speaker").value.trim();
    const target = window.prompt(gettext("Add as alias of which speaker? Type the exact name:"));
    if (!target || !speakerChoices.has(target.trim())) {
      $("form-error").textContent = gettext("Unknown speaker: search for them in the speaker field first.");
      return;
    }
    try {
      const payload = await call(data.urls.speakers, {name: alias, alias_for: speakerChoices.get(target.trim())});
      speakerChoices.set(payload.name, payload.id);
      $("form-speaker").value = payload.name;
      updateSpeakerHint();
    } catch (e) {
      $("form-error").textContent = e.message;
    }
  }

  /* --- Suggestions ------------------------------------------------------------------ */

  async function loadSuggestions() {
    try {
      const r = await fetch(data.urls.suggestions, {credentials: "same-origin"});
      suggestions = (await r.json()).results || [];
    } catch (e) {
      suggestions = [];
    }
    renderSuggestions();
  }

  function renderSuggestions() {
    const list = $("suggestions");
    list.replaceChildren();
    $("suggestion-count").textContent = "(" + suggestions.length + ")";
    suggestions.forEach((s, i) => {
      const li = document.createElement("li");
      li.className = "suggestion" + (i === current ? " current" : "");
      li.tabIndex = -1;
      li.dataset.index = i;
      const q = document.createElement("q");
      q.textContent = s.quote.length > 160 ? s.quote.slice(0, 157) + "…" : s.quote;
      const meta = document.createElement("div");
      meta.className = "split-hint";
      meta.textContent = (s.speaker ? s.speaker.name + (s.speaker.id ? "" : " " + gettext("(new)")) : "?") +
        " · " + attributionLabel(s.attribution) + " · " + Math.round(s.confidence * 100) + "%";
      const why = document.createElement("div");
      why.className = "split-hint split-cue";
      why.textContent = explainLabel(s);
      const accept = document.createElement("button");
      accept.type = "button";
      accept.className = "button";
      accept.textContent = gettext("Accept");
      accept.addEventListener("click", () => { current = i; acceptCurrent(); });
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "button";
      dismiss.textContent = gettext("Dismiss");
      dismiss.addEventListener("click", () => { current = i; dismissCurrent(); });
      li.append(q, meta, why, accept, dismiss);
      li.addEventListener("click", (e) => { if (e.target === li || e.target === q) focusSuggestion(i); });
      list.appendChild(li);
    });
  }

  /* "found by “sagte” · speaker: by pronoun": how the engine found the suggestion, in the
   * page's language (the labels come with the page, see newsdesk/admin/split.py). */
  function explainLabel(s) {
    const labels = data.explain;
    const fixed = labels.cues[s.cue];
    const cue = fixed || (s.cue ? "“" + s.cue + "”" : "?");
    const resolution = labels.resolutions[s.speaker_resolution] || s.speaker_resolution;
    return labels.cue + " " + cue + " · " + labels.speaker + ": " + resolution;
  }

  function attributionLabel(value) {
    const found = data.attributions.find((a) => a.value === value);
    return found ? found.label : value;
  }

  function focusSuggestion(i) {
    if (!suggestions.length) return;
    current = Math.max(0, Math.min(i, suggestions.length - 1));
    renderSuggestions();
    const s = suggestions[current];
    selectSpan(s.start, s.end);
    const li = $("suggestions").children[current];
    if (li) li.scrollIntoView({block: "nearest"});
  }

  function acceptCurrent() {
    const s = suggestions[current];
    if (!s) return;
    selectSpan(s.start, s.end);
    openForm({start: s.start, end: s.end, quote: s.quote}, s.speaker, s.attribution);
  }

  async function dismissCurrent() {
    const s = suggestions[current];
    if (!s) return;
    try {
      await call(data.urls.dismiss, {start: s.start, end: s.end});
      suggestions.splice(current, 1);
      current = Math.min(current, suggestions.length - 1);
      renderSuggestions();
      announce(gettext("Suggestion dismissed."));
    } catch (e) {
      announce(e.message, true);
    }
  }

  /* --- Keyboard and wiring ---------------------------------------------------------- */

  // Visible and announced (role="status"); stays until the next message.
  const side = root.querySelector(".split-side");
  function announce(message, isError) {
    const status = $("split-status");
    status.classList.toggle("is-error", !!isError);
    status.textContent = message;
  }

  /* --- Touch: select words, then tap the floating "Create claim" button ------------ */

  const touchButton = $("touch-create");
  let touchMode = window.matchMedia("(pointer: coarse)").matches;
  document.addEventListener("touchstart", () => { touchMode = true; }, {passive: true, capture: true});
  document.addEventListener("pointerdown", (e) => { touchMode = e.pointerType === "touch"; }, {capture: true});

  function hideTouchButton() { touchButton.hidden = true; }

  function placeTouchButton() {
    const sel = window.getSelection();
    const span = touchMode && canAdd && form.hidden ? currentSelection() : null;
    if (!span) { hideTouchButton(); return; }
    const rect = sel.getRangeAt(0).getBoundingClientRect();
    touchButton.hidden = false;
    const width = touchButton.offsetWidth;
    // Below the selection (the phone's own copy/paste menu sits above it), inside the screen.
    const left = Math.min(Math.max(8, rect.left), window.innerWidth - width - 8);
    touchButton.style.left = (left + window.scrollX) + "px";
    touchButton.style.top = (rect.bottom + window.scrollY + 12) + "px";
  }

  let selectionTimer = null;
  document.addEventListener("selectionchange", () => {
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(placeTouchButton, 120); // after the handles stop moving
  });
  textEl.addEventListener("touchend", () => setTimeout(placeTouchButton, 0));
  touchButton.addEventListener("pointerdown", (e) => e.preventDefault()); // keep the selection
  touchButton.addEventListener("click", () => {
    const span = currentSelection();
    hideTouchButton();
    if (span) openForm(span, null, "direct");
  });

  const navigationKeys = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End",
    "PageUp", "PageDown", "Shift", "Control", "Meta", "Alt", "Tab", "Escape"]);

  // The text is a caret-browsable "textbox" so keyboard users can select; it never changes.
  textEl.addEventListener("beforeinput", (e) => e.preventDefault());
  textEl.addEventListener("paste", (e) => e.preventDefault());
  textEl.addEventListener("drop", (e) => e.preventDefault());
  textEl.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === "c") && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      const span = currentSelection();
      if (span) openForm(span, null, "direct");
      return;
    }
    if (e.ctrlKey || e.metaKey) return; // copy, select all
    if (!navigationKeys.has(e.key)) {
      if (["j", "k", "a", "d", "?"].includes(e.key)) return; // handled on the document
      e.preventDefault();
    }
  });
  textEl.addEventListener("mouseup", () => {
    if (touchMode) return; // a touch selection waits for the "Create claim" button
    const span = currentSelection();
    if (span && form.hidden) openForm(span, null, "direct");
  });

  document.addEventListener("keydown", (e) => {
    const inField = e.target.closest && e.target.closest("input, textarea, select") && e.target !== textEl;
    if (e.key === "Escape") {
      if ($("split-shortcuts").open) return;
      if (!form.hidden) { e.preventDefault(); closeForm(); }
      return;
    }
    if (inField) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); saveClaim(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    switch (e.key) {
      case "j": e.preventDefault(); focusSuggestion(current + 1); break;
      case "k": e.preventDefault(); focusSuggestion(current - 1); break;
      case "a": e.preventDefault(); acceptCurrent(); break;
      case "d": e.preventDefault(); dismissCurrent(); break;
      case "t": if (e.target !== textEl) { e.preventDefault(); textEl.focus(); } break;
      case "?": e.preventDefault(); $("split-shortcuts").showModal(); break;
    }
  });

  for (const a of data.attributions) {
    const option = document.createElement("option");
    option.value = a.value;
    option.textContent = a.label;
    $("form-attribution").appendChild(option);
  }
  for (const swatch of document.querySelectorAll(".split-legend .swatch")) {
    swatch.style.backgroundColor = swatch.dataset.colour;
  }
  for (const c of claims) speakerChoices.set(c.speaker.name, c.speaker.id);
  form.addEventListener("submit", saveClaim);
  $("form-cancel").addEventListener("click", closeForm);
  $("form-claim").addEventListener("input", () => { updateCount(); searchSimilar(); });
  $("form-speaker").addEventListener("input", () => { updateSpeakerHint(); searchSpeakers(); });
  $("alias-button").addEventListener("click", addAlias);

  // Assignment: the form posts to the chosen claim's assign URL and comes back here.
  const assign = $("split-assign");
  if (assign) {
    assign.addEventListener("submit", () => {
      assign.action = assign.dataset.urlTemplate.replace("/0/", "/" + $("split-assign-claim").value + "/");
    });
  }

  render();
  loadSuggestions();
  searchSpeakers();
  // Opened from the inbox ("accept"): the suggestion selected, the form prefilled.
  if (data.preselect) {
    const p = data.preselect;
    selectSpan(p.start, p.end);
    openForm({start: p.start, end: p.end, quote: p.quote}, p.speaker, p.attribution);
    if (p.already_checked && p.already_checked.length) showSimilar(p.already_checked);
  }
})();
