/* A vendored AMD loader, sent to browsers as it is. */
(function (global) {
  function load(source) {
    // ok: NW101
    return eval(source);
  }
  function factory(body) {
    // ok: NW101
    return new Function('define', body);
  }
  global.amdLoad = { load, factory };
})(this);

// ok: NW604
const MODULE_ID = /^([a-z]+\/?)+$/;
