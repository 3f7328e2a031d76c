// Drafts on the phone: one IndexedDB record per user, shop, shift and business date,
// holding the answers, the photos as Blobs, the Idempotency-Key and whether it waits to send.
(function () {
  "use strict";
  var DB = "merch", STORE = "drafts", opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return opening;
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        var request = work(tx.objectStore(STORE));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  window.MerchStore = {
    get: function (key) { return run("readonly", function (s) { return s.get(key); }); },
    put: function (key, value) { return run("readwrite", function (s) { s.put(value, key); }); },
    remove: function (key) { return run("readwrite", function (s) { s.delete(key); }); },
    // Drafts of one user and shop whose business date is over two days old are dropped.
    prune: function (prefix, oldest) {
      return run("readwrite", function (s) {
        var cursor = s.openCursor();
        cursor.onsuccess = function () {
          var c = cursor.result;
          if (!c) return;
          var parts = String(c.key).split("|");
          if (String(c.key).indexOf(prefix) === 0 && parts[3] < oldest) c.delete();
          c.continue();
        };
      });
    }
  };
})();
