// The portal's only script, served from the registry like htmx (the CSP allows scripts from 'self' only,
// never inline). Three jobs, all by event delegation so they keep working after htmx swaps a page in:
// 1. Wallet sign-in: with Keplr or Leap in this browser, ask the registry for a sign-in message, have the
//    wallet sign it ADR-36 style (signArbitrary: not a transaction, costs nothing) and send it back; the
//    registry answers with the session cookie. Without a wallet the page's form does the same by hand.
// 2. Copy buttons: copy the text of the element a button names, and say so.
// 3. "Select all" boxes: tick or untick every device box of the bulk form a box names. Without the script
//    each device is ticked by hand; nothing else depends on it.
(function () {
  "use strict";

  function wallet() {
    return window.keplr || window.leap || null;
  }

  function walletName() {
    return window.keplr ? "Keplr" : window.leap ? "Leap" : null;
  }

  /** showWallets reveals the wallet button when a wallet is present, and says which one. */
  function showWallets(root) {
    var boxes = (root || document).querySelectorAll("[data-wallet-sign-in]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var name = walletName();
      var button = box.querySelector("[data-wallet-button]");
      var none = box.querySelector("[data-wallet-none]");
      if (button) {
        button.hidden = !name;
        if (name) button.textContent = "Sign in with " + name;
      }
      if (none) none.hidden = !!name;
    }
  }

  async function postJson(path, body) {
    var res = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    var json = null;
    try {
      json = await res.json();
    } catch (e) {
      json = null;
    }
    if (!res.ok) {
      var err = (json && json.error) || {};
      throw new Error((err.message || "the registry refused (" + res.status + ")") + (err.fix ? ". " + err.fix : ""));
    }
    return json;
  }

  async function signIn(box) {
    var status = box.querySelector("[data-wallet-status]");
    var say = function (text, bad) {
      if (!status) return;
      status.textContent = text;
      status.className = bad ? "field-error" : "hint";
    };
    var w = wallet();
    if (!w) {
      say("No Keplr or Leap wallet was found in this browser. Use the form below instead.", true);
      return;
    }
    var chainId = box.getAttribute("data-chain-id") || "akashnet-2";
    try {
      say("Asking your wallet for your address…");
      await w.enable(chainId);
      var key = await w.getKey(chainId);
      var address = key.bech32Address;
      var challenge = await postJson(box.getAttribute("data-challenge-url"), { address: address });
      say("Sign the message in your wallet. It is not a transaction and costs nothing.");
      var signature = await w.signArbitrary(chainId, address, challenge.message);
      await postJson(box.getAttribute("data-verify-url"), { address: address, message: challenge.message, signature: signature });
      say("Signed in. Opening your devices…");
      window.location.assign(box.getAttribute("data-next") || "/portal");
    } catch (e) {
      say("Sign-in did not finish: " + ((e && e.message) || String(e)), true);
    }
  }

  async function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) return;
    var text = "value" in target ? target.value : target.textContent;
    var done = button.querySelector("[data-copy-done]") || button;
    try {
      await navigator.clipboard.writeText(text);
      done.textContent = "Copied";
    } catch (e) {
      if (target.select) target.select();
      done.textContent = "Press Ctrl+C to copy";
    }
  }

  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target : null;
    if (!el) return;
    var walletButton = el.closest("[data-wallet-button]");
    if (walletButton) {
      event.preventDefault();
      signIn(walletButton.closest("[data-wallet-sign-in]"));
      return;
    }
    var copyButton = el.closest("[data-copy]");
    if (copyButton) {
      event.preventDefault();
      copy(copyButton);
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target instanceof Element ? event.target : null;
    var all = el && el.closest("[data-select-all]");
    if (!all) return;
    var boxes = document.querySelectorAll('input[name="device"][form="' + CSS.escape(all.getAttribute("data-select-all")) + '"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
  });

  document.addEventListener("DOMContentLoaded", function () {
    showWallets(document);
  });
  document.addEventListener("htmx:load", function (event) {
    showWallets(event.target);
  });
  // Wallet extensions inject themselves at document start, but may finish after our first look.
  window.addEventListener("load", function () {
    showWallets(document);
  });
  window.addEventListener("keplr_keystorechange", function () {
    showWallets(document);
  });
})();
