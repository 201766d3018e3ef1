/******/ (() => { // webpackBootstrap
/******/ 	var __webpack_modules__ = ({

/***/ 893:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var hooks = __nccwpck_require__(290)
var events = __nccwpck_require__(434)
var cluster = __nccwpck_require__(907)

module.exports = onListening

function onListening (onlistening) {
  var e = new events.EventEmitter()

  var hook = hooks.createHook({
    init (asyncId, type, triggerAsyncId, resource) {
      if (type === 'PIPESERVERWRAP' || type === 'TCPSERVERWRAP') {
        process.nextTick(function () {
          resource.owner.once('listening', function () {
            var addr = resource.owner.address()
            if (addr) e.emit('listening', addr)
          })
        })
      }
    }
  })

  hook.enable()
  cluster.on('listening', oncluster)
  e.destroy = destroy

  if (onlistening) e.on('listening', onlistening)

  return e

  function destroy () {
    hook.disable()
    cluster.removeListener('listening', oncluster)
  }

  function oncluster (_, addr) {
    e.emit('listening', addr)
  }
}


/***/ }),

/***/ 290:
/***/ ((module) => {

"use strict";
module.exports = require("async_hooks");

/***/ }),

/***/ 907:
/***/ ((module) => {

"use strict";
module.exports = require("cluster");

/***/ }),

/***/ 434:
/***/ ((module) => {

"use strict";
module.exports = require("events");

/***/ }),

/***/ 278:
/***/ ((module) => {

"use strict";
module.exports = require("net");

/***/ })

/******/ 	});
/************************************************************************/
/******/ 	// The module cache
/******/ 	var __webpack_module_cache__ = {};
/******/ 	
/******/ 	// The require function
/******/ 	function __nccwpck_require__(moduleId) {
/******/ 		// Check if module is in cache
/******/ 		var cachedModule = __webpack_module_cache__[moduleId];
/******/ 		if (cachedModule !== undefined) {
/******/ 			return cachedModule.exports;
/******/ 		}
/******/ 		// Create a new module (and put it into the cache)
/******/ 		var module = __webpack_module_cache__[moduleId] = {
/******/ 			// no module.id needed
/******/ 			// no module.loaded needed
/******/ 			exports: {}
/******/ 		};
/******/ 	
/******/ 		// Execute the module function
/******/ 		var threw = true;
/******/ 		try {
/******/ 			__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 			threw = false;
/******/ 		} finally {
/******/ 			if(threw) delete __webpack_module_cache__[moduleId];
/******/ 		}
/******/ 	
/******/ 		// Return the exports of the module
/******/ 		return module.exports;
/******/ 	}
/******/ 	
/************************************************************************/
/******/ 	/* webpack/runtime/asset-relocator-loader */
/******/ 	if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = __dirname + "/";
/******/ 	
/************************************************************************/
var __webpack_exports__ = {};
// This entry need to be wrapped in an IIFE because it need to be in strict mode.
(() => {
"use strict";


const onListen = __nccwpck_require__(893)
const net = __nccwpck_require__(278)

const socket = net.connect(process.env.AUTOCANNON_SOCKET)

onListen(function (addr) {
  this.destroy()
  const port = Buffer.from(addr.port + '')
  socket.write(port)
})

socket.unref()

})();

module.exports = __webpack_exports__;
/******/ })()
;