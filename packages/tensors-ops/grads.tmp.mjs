var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: !0 });
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/kernel_names.js
var Acos = "Acos", Acosh = "Acosh";
var AddN = "AddN";
var ArgMax = "ArgMax", ArgMin = "ArgMin", Asin = "Asin", Asinh = "Asinh", Atan = "Atan", Atanh = "Atanh", Atan2 = "Atan2", AvgPool = "AvgPool", AvgPoolGrad = "AvgPoolGrad", AvgPool3D = "AvgPool3D", AvgPool3DGrad = "AvgPool3DGrad", BatchMatMul = "BatchMatMul", BatchToSpaceND = "BatchToSpaceND";
var BroadcastTo = "BroadcastTo";
var Cast = "Cast", Ceil = "Ceil", ClipByValue = "ClipByValue", Complex = "Complex", ComplexAbs = "ComplexAbs", Concat = "Concat", Conv2D = "Conv2D", Conv2DBackpropFilter = "Conv2DBackpropFilter", Conv2DBackpropInput = "Conv2DBackpropInput", Conv3D = "Conv3D", Conv3DBackpropFilterV2 = "Conv3DBackpropFilterV2", Conv3DBackpropInputV2 = "Conv3DBackpropInputV2";
var Cosh = "Cosh", Cumprod = "Cumprod", Cumsum = "Cumsum";
var DepthwiseConv2dNative = "DepthwiseConv2dNative", DepthwiseConv2dNativeBackpropFilter = "DepthwiseConv2dNativeBackpropFilter", DepthwiseConv2dNativeBackpropInput = "DepthwiseConv2dNativeBackpropInput";
var Dilation2D = "Dilation2D", Dilation2DBackpropInput = "Dilation2DBackpropInput", Dilation2DBackpropFilter = "Dilation2DBackpropFilter";
var RealDiv = "RealDiv";
var EluGrad = "EluGrad";
var Equal = "Equal";
var ExpandDims = "ExpandDims", Expm1 = "Expm1";
var Floor = "Floor", FloorDiv = "FloorDiv", FusedBatchNorm = "FusedBatchNorm", GatherV2 = "GatherV2";
var Greater = "Greater", GreaterEqual = "GreaterEqual", Identity = "Identity";
var Imag = "Imag", IsFinite = "IsFinite", IsInf = "IsInf", IsNan = "IsNan", LeakyRelu = "LeakyRelu", Less = "Less", LessEqual = "LessEqual";
var Log1p = "Log1p", LogicalAnd = "LogicalAnd", LogicalNot = "LogicalNot";
var LogSoftmax = "LogSoftmax";
var LRNGrad = "LRNGrad";
var Maximum = "Maximum", MaxPool = "MaxPool", MaxPoolGrad = "MaxPoolGrad", MaxPool3D = "MaxPool3D", MaxPool3DGrad = "MaxPool3DGrad";
var Mean = "Mean";
var Minimum = "Minimum", MirrorPad = "MirrorPad";
var Multiply = "Multiply";
var OnesLike = "OnesLike", OneHot = "OneHot", Pack = "Pack", PadV2 = "PadV2";
var Prelu = "Prelu", Prod = "Prod";
var Real = "Real", Reciprocal = "Reciprocal", Relu = "Relu", Reshape = "Reshape", ResizeNearestNeighbor = "ResizeNearestNeighbor", ResizeNearestNeighborGrad = "ResizeNearestNeighborGrad", ResizeBilinear = "ResizeBilinear", ResizeBilinearGrad = "ResizeBilinearGrad", Relu6 = "Relu6", Reverse = "Reverse", Round = "Round", Rsqrt = "Rsqrt";
var Select = "Select", Selu = "Selu", Slice = "Slice";
var Sinh = "Sinh", Sign = "Sign", Sigmoid = "Sigmoid", Softplus = "Softplus", Sqrt = "Sqrt";
var SpaceToBatchND = "SpaceToBatchND", SplitV = "SplitV", Softmax = "Softmax";
var SquaredDifference = "SquaredDifference", Square = "Square";
var Tanh = "Tanh", Tile = "Tile";
var Transpose = "Transpose";
var Unpack = "Unpack", UnsortedSegmentSum = "UnsortedSegmentSum";
var ZerosLike = "ZerosLike", Step = "Step";

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/backends/backend.js
var KernelBackend = class {
  refCount(dataId) {
    return notYetImplemented("refCount");
  }
  incRef(dataId) {
    return notYetImplemented("incRef");
  }
  timerAvailable() {
    return !0;
  }
  time(f) {
    return notYetImplemented("time");
  }
  read(dataId) {
    return notYetImplemented("read");
  }
  readSync(dataId) {
    return notYetImplemented("readSync");
  }
  readToGPU(dataId, options) {
    return notYetImplemented("readToGPU");
  }
  numDataIds() {
    return notYetImplemented("numDataIds");
  }
  disposeData(dataId, force) {
    return notYetImplemented("disposeData");
  }
  write(values, shape, dtype) {
    return notYetImplemented("write");
  }
  move(dataId, values, shape, dtype, refCount) {
    return notYetImplemented("move");
  }
  createTensorFromGPUData(values, shape, dtype) {
    return notYetImplemented("createTensorFromGPUData");
  }
  memory() {
    return notYetImplemented("memory");
  }
  /** Returns the highest precision for floats in bits (e.g. 16 or 32) */
  floatPrecision() {
    return notYetImplemented("floatPrecision");
  }
  /** Returns the smallest representable number.  */
  epsilon() {
    return this.floatPrecision() === 32 ? 1e-7 : 1e-4;
  }
  dispose() {
    return notYetImplemented("dispose");
  }
};
function notYetImplemented(kernelName) {
  throw new Error(`'${kernelName}' not yet implemented or not found in the registry. This kernel may not be supported by the tfjs backend you have chosen`);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/util_base.js
function clamp(min, x, max) {
  return Math.max(min, Math.min(x, max));
}
function assert(expr, msg) {
  if (!expr)
    throw new Error(typeof msg == "string" ? msg : msg());
}
function assertShapesMatch(shapeA, shapeB, errorMessagePrefix = "") {
  assert(arraysEqual(shapeA, shapeB), () => errorMessagePrefix + ` Shapes ${shapeA} and ${shapeB} must match`);
}
function sizeFromShape(shape) {
  if (shape.length === 0)
    return 1;
  let size = shape[0];
  for (let i = 1; i < shape.length; i++)
    size *= shape[i];
  return size;
}
function arraysEqual(n1, n2) {
  if (n1 === n2)
    return !0;
  if (n1 == null || n2 == null || n1.length !== n2.length)
    return !1;
  for (let i = 0; i < n1.length; i++)
    if (n1[i] !== n2[i])
      return !1;
  return !0;
}
function isInt(a) {
  return a % 1 === 0;
}
function rightPad(a, size) {
  return size <= a.length ? a : a + " ".repeat(size - a.length);
}
function parseAxisParam(axis, shape) {
  let rank = shape.length;
  return axis = axis == null ? shape.map((s, i) => i) : [].concat(axis), assert(axis.every((ax) => ax >= -rank && ax < rank), () => `All values in axis param must be in range [-${rank}, ${rank}) but got axis ${axis}`), assert(axis.every((ax) => isInt(ax)), () => `All values in axis param must be integers but got axis ${axis}`), axis.map((a) => a < 0 ? rank + a : a);
}
function checkConversionForErrors(vals, dtype) {
  for (let i = 0; i < vals.length; i++) {
    let num = vals[i];
    if (isNaN(num) || !isFinite(num))
      throw Error(`A tensor of type ${dtype} being uploaded contains ${num}.`);
  }
}
function isValidDtype(dtype) {
  return dtype === "bool" || dtype === "complex64" || dtype === "float32" || dtype === "int32" || dtype === "string";
}
function bytesPerElement(dtype) {
  if (dtype === "float32" || dtype === "int32")
    return 4;
  if (dtype === "complex64")
    return 8;
  if (dtype === "bool")
    return 1;
  throw new Error(`Unknown dtype ${dtype}`);
}
function bytesFromStringArray(arr) {
  if (arr == null)
    return 0;
  let bytes = 0;
  return arr.forEach((x) => bytes += x.length), bytes;
}
function isString(value) {
  return typeof value == "string" || value instanceof String;
}
function isBoolean(value) {
  return typeof value == "boolean";
}
function isNumber(value) {
  return typeof value == "number";
}
function inferDtype(values) {
  return Array.isArray(values) ? inferDtype(values[0]) : values instanceof Float32Array ? "float32" : values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray ? "int32" : isNumber(values) ? "float32" : isString(values) ? "string" : isBoolean(values) ? "bool" : "float32";
}
function isFunction(f) {
  return !!(f && f.constructor && f.call && f.apply);
}
function nearestDivisor(size, start) {
  for (let i = start; i < size; ++i)
    if (size % i === 0)
      return i;
  return size;
}
function computeStrides(shape) {
  let rank = shape.length;
  if (rank < 2)
    return [];
  let strides = new Array(rank - 1);
  strides[rank - 2] = shape[rank - 1];
  for (let i = rank - 3; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}
function createNestedArray(offset, shape, a, isComplex = !1) {
  let ret = new Array();
  if (shape.length === 1) {
    let d = shape[0] * (isComplex ? 2 : 1);
    for (let i = 0; i < d; i++)
      ret[i] = a[offset + i];
  } else {
    let d = shape[0], rest = shape.slice(1), len = rest.reduce((acc, c) => acc * c) * (isComplex ? 2 : 1);
    for (let i = 0; i < d; i++)
      ret[i] = createNestedArray(offset + i * len, rest, a, isComplex);
  }
  return ret;
}
function toNestedArray(shape, a, isComplex = !1) {
  if (shape.length === 0)
    return a[0];
  let size = shape.reduce((acc, c) => acc * c) * (isComplex ? 2 : 1);
  if (size === 0)
    return [];
  if (size !== a.length)
    throw new Error(`[${shape}] does not match the input size ${a.length}${isComplex ? " for a complex tensor" : ""}.`);
  return createNestedArray(0, shape, a, isComplex);
}
function makeOnesTypedArray(size, dtype) {
  let array = makeZerosTypedArray(size, dtype);
  for (let i = 0; i < array.length; i++)
    array[i] = 1;
  return array;
}
function makeZerosTypedArray(size, dtype) {
  if (dtype == null || dtype === "float32" || dtype === "complex64")
    return new Float32Array(size);
  if (dtype === "int32")
    return new Int32Array(size);
  if (dtype === "bool")
    return new Uint8Array(size);
  throw new Error(`Unknown data type ${dtype}`);
}
function assertNonNegativeIntegerDimensions(shape) {
  shape.forEach((dimSize) => {
    assert(Number.isInteger(dimSize) && dimSize >= 0, () => `Tensor must have a shape comprised of positive integers but got shape [${shape}].`);
  });
}
function isPromise(object) {
  return object && object.then && typeof object.then == "function";
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/environment.js
var TENSORFLOWJS_FLAGS_PREFIX = "tfjsflags", Environment = class {
  // tslint:disable-next-line: no-any
  constructor(global2) {
    this.global = global2, this.flags = {}, this.flagRegistry = {}, this.urlFlags = {}, this.getQueryParams = getQueryParams, this.populateURLFlags();
  }
  setPlatform(platformName, platform) {
    this.platform != null && (env().getBool("IS_TEST") || env().getBool("PROD") || console.warn(`Platform ${this.platformName} has already been set. Overwriting the platform with ${platformName}.`)), this.platformName = platformName, this.platform = platform;
  }
  registerFlag(flagName, evaluationFn, setHook) {
    if (this.flagRegistry[flagName] = { evaluationFn, setHook }, this.urlFlags[flagName] != null) {
      let flagValue = this.urlFlags[flagName];
      env().getBool("IS_TEST") || env().getBool("PROD") || console.warn(`Setting feature override from URL ${flagName}: ${flagValue}.`), this.set(flagName, flagValue);
    }
  }
  async getAsync(flagName) {
    return flagName in this.flags ? this.flags[flagName] : (this.flags[flagName] = await this.evaluateFlag(flagName), this.flags[flagName]);
  }
  get(flagName) {
    if (flagName in this.flags)
      return this.flags[flagName];
    let flagValue = this.evaluateFlag(flagName);
    if (isPromise(flagValue))
      throw new Error(`Flag ${flagName} cannot be synchronously evaluated. Please use getAsync() instead.`);
    return this.flags[flagName] = flagValue, this.flags[flagName];
  }
  getNumber(flagName) {
    return this.get(flagName);
  }
  getBool(flagName) {
    return this.get(flagName);
  }
  getString(flagName) {
    return this.get(flagName);
  }
  getFlags() {
    return this.flags;
  }
  // For backwards compatibility.
  get features() {
    return this.flags;
  }
  set(flagName, value) {
    if (this.flagRegistry[flagName] == null)
      throw new Error(`Cannot set flag ${flagName} as it has not been registered.`);
    this.flags[flagName] = value, this.flagRegistry[flagName].setHook != null && this.flagRegistry[flagName].setHook(value);
  }
  evaluateFlag(flagName) {
    if (this.flagRegistry[flagName] == null)
      throw new Error(`Cannot evaluate flag '${flagName}': no evaluation function found.`);
    return this.flagRegistry[flagName].evaluationFn();
  }
  setFlags(flags) {
    this.flags = Object.assign({}, flags);
  }
  reset() {
    this.flags = {}, this.urlFlags = {}, this.populateURLFlags();
  }
  populateURLFlags() {
    if (typeof this.global > "u" || typeof this.global.location > "u" || typeof this.global.location.search > "u")
      return;
    let urlParams = this.getQueryParams(this.global.location.search);
    TENSORFLOWJS_FLAGS_PREFIX in urlParams && urlParams[TENSORFLOWJS_FLAGS_PREFIX].split(",").forEach((keyValue) => {
      let [key, value] = keyValue.split(":");
      this.urlFlags[key] = parseValue(key, value);
    });
  }
};
function getQueryParams(queryString) {
  let params = {};
  return queryString.replace(/[?&]([^=?&]+)(?:=([^&]*))?/g, (s, ...t) => (decodeParam(params, t[0], t[1]), t.join("="))), params;
}
function decodeParam(params, name, value) {
  params[decodeURIComponent(name)] = decodeURIComponent(value || "");
}
function parseValue(flagName, value) {
  let lowerCaseValue = value.toLowerCase();
  return lowerCaseValue === "true" || lowerCaseValue === "false" ? lowerCaseValue === "true" : `${+lowerCaseValue}` === lowerCaseValue ? +lowerCaseValue : value;
}
function env() {
  return ENV;
}
var ENV = null;
function setEnvironmentGlobal(environment) {
  ENV = environment;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/global_util.js
var globalNameSpace;
function getGlobalNamespace() {
  if (globalNameSpace == null) {
    let ns;
    if (typeof window < "u")
      ns = window;
    else if (typeof global < "u")
      ns = global;
    else if (typeof process < "u")
      ns = process;
    else if (typeof self < "u")
      ns = self;
    else
      throw new Error("Could not find a global object");
    globalNameSpace = ns;
  }
  return globalNameSpace;
}
function getGlobalMap() {
  let ns = getGlobalNamespace();
  return ns._tfGlobals == null && (ns._tfGlobals = /* @__PURE__ */ new Map()), ns._tfGlobals;
}
function getGlobal(key, init) {
  let globalMap = getGlobalMap();
  if (globalMap.has(key))
    return globalMap.get(key);
  {
    let singleton = init();
    return globalMap.set(key, singleton), globalMap.get(key);
  }
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/log.js
function warn(...msg) {
  env().getBool("IS_TEST") || env().getBool("PROD") || console.warn(...msg);
}
function log(...msg) {
  env().getBool("IS_TEST") || env().getBool("PROD") || console.log(...msg);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/kernel_registry.js
var kernelRegistry = getGlobal("kernelRegistry", () => /* @__PURE__ */ new Map()), gradRegistry = getGlobal("gradRegistry", () => /* @__PURE__ */ new Map());
function getKernel(kernelName, backendName) {
  let key = makeKey(kernelName, backendName);
  return kernelRegistry.get(key);
}
function getGradient(kernelName) {
  return gradRegistry.get(kernelName);
}
function getKernelsForBackend(backendName) {
  let it = kernelRegistry.entries(), result = [];
  for (; ; ) {
    let { done, value } = it.next();
    if (done)
      break;
    let [key, config] = value, [backend] = key.split("_");
    backend === backendName && result.push(config);
  }
  return result;
}
function registerGradient(config) {
  let { kernelName } = config;
  gradRegistry.has(kernelName) && env().getBool("DEBUG") && warn(`Overriding the gradient for '${kernelName}'`), gradRegistry.set(kernelName, config);
}
function makeKey(kernelName, backendName) {
  return `${backendName}_${kernelName}`;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/platforms/is_typed_array_browser.js
function isTypedArrayBrowser(a) {
  return a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/util.js
function noConversionNeeded(a, dtype) {
  return a instanceof Float32Array && dtype === "float32" || a instanceof Int32Array && dtype === "int32" || a instanceof Uint8Array && dtype === "bool";
}
function toTypedArray(a, dtype) {
  if (dtype === "string")
    throw new Error("Cannot convert a string[] to a TypedArray");
  if (Array.isArray(a) && (a = flatten(a)), env().getBool("DEBUG") && checkConversionForErrors(a, dtype), noConversionNeeded(a, dtype))
    return a;
  if (dtype == null || dtype === "float32" || dtype === "complex64")
    return new Float32Array(a);
  if (dtype === "int32")
    return new Int32Array(a);
  if (dtype === "bool") {
    let bool = new Uint8Array(a.length);
    for (let i = 0; i < bool.length; ++i)
      Math.round(a[i]) !== 0 && (bool[i] = 1);
    return bool;
  } else
    throw new Error(`Unknown data type ${dtype}`);
}
function now() {
  return env().platform.now();
}
function encodeString(s, encoding = "utf-8") {
  return encoding = encoding || "utf-8", env().platform.encode(s, encoding);
}
function decodeString(bytes, encoding = "utf-8") {
  return encoding = encoding || "utf-8", env().platform.decode(bytes, encoding);
}
function isTypedArray(a) {
  return env().platform.isTypedArray != null ? env().platform.isTypedArray(a) : isTypedArrayBrowser(a);
}
function flatten(arr, result = [], skipTypedArray = !1) {
  if (result == null && (result = []), typeof arr == "boolean" || typeof arr == "number" || typeof arr == "string" || isPromise(arr) || arr == null || isTypedArray(arr) && skipTypedArray)
    result.push(arr);
  else if (Array.isArray(arr) || isTypedArray(arr))
    for (let i = 0; i < arr.length; ++i)
      flatten(arr[i], result, skipTypedArray);
  else {
    let maxIndex = -1;
    for (let key of Object.keys(arr))
      /^([1-9]+[0-9]*|0)$/.test(key) && (maxIndex = Math.max(maxIndex, Number(key)));
    for (let i = 0; i <= maxIndex; i++)
      flatten(arr[i], result, skipTypedArray);
  }
  return result;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/profiler.js
var Profiler = class {
  constructor(backendTimer, logger) {
    this.backendTimer = backendTimer, this.logger = logger, logger == null && (this.logger = new Logger());
  }
  profileKernel(kernelName, inputs, f) {
    let outputs, holdResultWrapperFn = () => {
      outputs = f();
    }, timer, start = now();
    if (this.backendTimer.timerAvailable())
      timer = this.backendTimer.time(holdResultWrapperFn);
    else {
      holdResultWrapperFn();
      for (let output of outputs)
        output.dataSync();
      timer = Promise.resolve({ kernelMs: now() - start });
    }
    if (env().getBool("CHECK_COMPUTATION_FOR_ERRORS"))
      for (let i = 0; i < outputs.length; i++) {
        let output = outputs[i];
        output.data().then((tensorVals) => {
          checkComputationForErrors(tensorVals, output.dtype, kernelName);
        });
      }
    return {
      kernelName,
      outputs,
      inputs,
      timeMs: timer.then((timing) => timing.kernelMs),
      extraInfo: timer.then((timing) => timing.getExtraProfileInfo != null ? timing.getExtraProfileInfo() : "")
    };
  }
  logKernelProfile(kernelProfile) {
    let { kernelName, outputs, timeMs, inputs, extraInfo } = kernelProfile;
    outputs.forEach((result) => {
      Promise.all([result.data(), timeMs, extraInfo]).then((valueContainer) => {
        this.logger.logKernelProfile(kernelName, result, valueContainer[0], valueContainer[1], inputs, valueContainer[2]);
      });
    });
  }
};
function checkComputationForErrors(vals, dtype, kernelName) {
  if (dtype !== "float32")
    return !1;
  for (let i = 0; i < vals.length; i++) {
    let num = vals[i];
    if (isNaN(num) || !isFinite(num))
      return console.warn(`Found ${num} in the result of '${kernelName}'`), !0;
  }
  return !1;
}
var Logger = class {
  logKernelProfile(name, result, vals, timeMs, inputs, extraInfo) {
    let time = typeof timeMs == "number" ? rightPad(`${timeMs}ms`, 9) : timeMs.error, paddedName = rightPad(name, 25), rank = result.rank, size = result.size, shape = rightPad(result.shape.toString(), 14), inputShapesDescription = "";
    for (let name2 in inputs) {
      let input = inputs[name2];
      if (input != null) {
        let inputShape = input.shape || result.shape, inputRank = inputShape.length;
        inputShapesDescription += `${name2}: ${inputRank}D ${inputRank > 0 ? inputShape : ""} `;
      }
    }
    console.log(`%c${paddedName}	%c${time}	%c${rank}D ${shape}	%c${size}	%c${inputShapesDescription}	%c${extraInfo}`, "font-weight:bold", "color:red", "color:blue", "color: orange", "color: green", "color: steelblue");
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/tape.js
function getFilteredNodesXToY(tape, xs, y) {
  let tensorsFromX = {}, nodesFromX = {};
  for (let i = 0; i < xs.length; i++)
    tensorsFromX[xs[i].id] = !0;
  for (let i = 0; i < tape.length; i++) {
    let node = tape[i], nodeInputs = node.inputs;
    for (let inputName in nodeInputs) {
      let input = nodeInputs[inputName], anyInputFromX = !1;
      for (let j = 0; j < xs.length; j++)
        if (tensorsFromX[input.id]) {
          node.outputs.forEach((output) => tensorsFromX[output.id] = !0), anyInputFromX = !0, nodesFromX[node.id] = !0;
          break;
        }
      if (anyInputFromX)
        break;
    }
  }
  let tensorsLeadToY = {};
  tensorsLeadToY[y.id] = !0;
  let nodesToY = {};
  for (let i = tape.length - 1; i >= 0; i--) {
    let node = tape[i], nodeInputs = node.inputs;
    for (let j = 0; j < node.outputs.length; j++)
      if (tensorsLeadToY[node.outputs[j].id]) {
        for (let inputName in nodeInputs)
          tensorsLeadToY[nodeInputs[inputName].id] = !0, nodesToY[node.id] = !0;
        break;
      }
  }
  let filteredTape = [];
  for (let i = 0; i < tape.length; i++) {
    let node = tape[i];
    if (nodesFromX[node.id] && nodesToY[node.id]) {
      let prunedInputs = {};
      for (let inputName in node.inputs) {
        let nodeInput = node.inputs[inputName];
        tensorsFromX[nodeInput.id] && (prunedInputs[inputName] = nodeInput);
      }
      let prunedNode = Object.assign({}, node);
      prunedNode.inputs = prunedInputs, prunedNode.outputs = node.outputs, filteredTape.push(prunedNode);
    }
  }
  return filteredTape;
}
function backpropagateGradients(tensorAccumulatedGradientMap, filteredTape, tidy2, add3) {
  for (let i = filteredTape.length - 1; i >= 0; i--) {
    let node = filteredTape[i], dys = [];
    if (node.outputs.forEach((o) => {
      let gradTensor = tensorAccumulatedGradientMap[o.id];
      gradTensor != null ? dys.push(gradTensor) : dys.push(null);
    }), node.gradient == null)
      throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    let inputGradients = node.gradient(dys);
    for (let inputName in node.inputs) {
      if (!(inputName in inputGradients))
        throw new Error(`Cannot backprop through input ${inputName}. Available gradients found: ${Object.keys(inputGradients)}.`);
      let dx = tidy2(() => inputGradients[inputName]());
      if (dx.dtype !== "float32")
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${inputName} must have 'float32' dtype, but has '${dx.dtype}'`);
      let x = node.inputs[inputName];
      if (!arraysEqual(dx.shape, x.shape))
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${inputName}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
      if (tensorAccumulatedGradientMap[x.id] == null)
        tensorAccumulatedGradientMap[x.id] = dx;
      else {
        let curGradient = tensorAccumulatedGradientMap[x.id];
        tensorAccumulatedGradientMap[x.id] = add3(curGradient, dx), curGradient.dispose();
      }
    }
  }
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/tensor_format.js
var FORMAT_LIMIT_NUM_VALS = 20, FORMAT_NUM_FIRST_LAST_VALS = 3, FORMAT_NUM_SIG_DIGITS = 7;
function tensorToString(vals, shape, dtype, verbose) {
  let strides = computeStrides(shape), padPerCol = computeMaxSizePerColumn(vals, shape, dtype, strides), rank = shape.length, valsLines = subTensorToString(vals, shape, dtype, strides, padPerCol), lines = ["Tensor"];
  return verbose && (lines.push(`  dtype: ${dtype}`), lines.push(`  rank: ${rank}`), lines.push(`  shape: [${shape}]`), lines.push("  values:")), lines.push(valsLines.map((l) => "    " + l).join(`
`)), lines.join(`
`);
}
function computeMaxSizePerColumn(vals, shape, dtype, strides) {
  let n = sizeFromShape(shape), numCols = strides[strides.length - 1], padPerCol = new Array(numCols).fill(0), rank = shape.length, valuesOrTuples = dtype === "complex64" ? createComplexTuples(vals) : vals;
  if (rank > 1)
    for (let row = 0; row < n / numCols; row++) {
      let offset = row * numCols;
      for (let j = 0; j < numCols; j++)
        padPerCol[j] = Math.max(padPerCol[j], valToString(valuesOrTuples[offset + j], 0, dtype).length);
    }
  return padPerCol;
}
function valToString(val, pad2, dtype) {
  let valStr;
  return Array.isArray(val) ? valStr = `${parseFloat(val[0].toFixed(FORMAT_NUM_SIG_DIGITS))} + ${parseFloat(val[1].toFixed(FORMAT_NUM_SIG_DIGITS))}j` : isString(val) ? valStr = `'${val}'` : dtype === "bool" ? valStr = boolNumToString(val) : valStr = parseFloat(val.toFixed(FORMAT_NUM_SIG_DIGITS)).toString(), rightPad(valStr, pad2);
}
function boolNumToString(v) {
  return v === 0 ? "false" : "true";
}
function subTensorToString(vals, shape, dtype, strides, padPerCol, isLast = !0) {
  let storagePerElement = dtype === "complex64" ? 2 : 1, size = shape[0], rank = shape.length;
  if (rank === 0) {
    if (dtype === "complex64") {
      let complexTuple = createComplexTuples(vals);
      return [valToString(complexTuple[0], 0, dtype)];
    }
    return dtype === "bool" ? [boolNumToString(vals[0])] : [vals[0].toString()];
  }
  if (rank === 1) {
    if (size > FORMAT_LIMIT_NUM_VALS) {
      let firstValsSize = FORMAT_NUM_FIRST_LAST_VALS * storagePerElement, firstVals = Array.from(vals.slice(0, firstValsSize)), lastVals = Array.from(vals.slice((size - FORMAT_NUM_FIRST_LAST_VALS) * storagePerElement, size * storagePerElement));
      return dtype === "complex64" && (firstVals = createComplexTuples(firstVals), lastVals = createComplexTuples(lastVals)), [
        "[" + firstVals.map((x, i) => valToString(x, padPerCol[i], dtype)).join(", ") + ", ..., " + lastVals.map((x, i) => valToString(x, padPerCol[size - FORMAT_NUM_FIRST_LAST_VALS + i], dtype)).join(", ") + "]"
      ];
    }
    return [
      "[" + (dtype === "complex64" ? createComplexTuples(vals) : Array.from(vals)).map((x, i) => valToString(x, padPerCol[i], dtype)).join(", ") + "]"
    ];
  }
  let subshape = shape.slice(1), substrides = strides.slice(1), stride = strides[0] * storagePerElement, lines = [];
  if (size > FORMAT_LIMIT_NUM_VALS) {
    for (let i = 0; i < FORMAT_NUM_FIRST_LAST_VALS; i++) {
      let start = i * stride, end = start + stride;
      lines.push(...subTensorToString(
        vals.slice(start, end),
        subshape,
        dtype,
        substrides,
        padPerCol,
        !1
        /* isLast */
      ));
    }
    lines.push("...");
    for (let i = size - FORMAT_NUM_FIRST_LAST_VALS; i < size; i++) {
      let start = i * stride, end = start + stride;
      lines.push(...subTensorToString(
        vals.slice(start, end),
        subshape,
        dtype,
        substrides,
        padPerCol,
        i === size - 1
        /* isLast */
      ));
    }
  } else
    for (let i = 0; i < size; i++) {
      let start = i * stride, end = start + stride;
      lines.push(...subTensorToString(
        vals.slice(start, end),
        subshape,
        dtype,
        substrides,
        padPerCol,
        i === size - 1
        /* isLast */
      ));
    }
  let sep = rank === 2 ? "," : "";
  lines[0] = "[" + (size > 0 ? lines[0] + sep : "");
  for (let i = 1; i < lines.length - 1; i++)
    lines[i] = " " + lines[i] + sep;
  let newLineSep = `,
`;
  for (let i = 2; i < rank; i++)
    newLineSep += `
`;
  return lines[lines.length - 1] = " " + lines[lines.length - 1] + "]" + (isLast ? "" : newLineSep), lines;
}
function createComplexTuples(vals) {
  let complexTuples = [];
  for (let i = 0; i < vals.length; i += 2)
    complexTuples.push([vals[i], vals[i + 1]]);
  return complexTuples;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/tensor.js
var trackerFn = null, opHandler = null, deprecationWarningFn = null;
function setTensorTracker(fn) {
  trackerFn = fn;
}
function setDeprecationWarningFn(fn) {
  deprecationWarningFn = fn;
}
var Tensor = class {
  constructor(shape, dtype, dataId, id) {
    this.kept = !1, this.isDisposedInternal = !1, this.shape = shape.slice(), this.dtype = dtype || "float32", this.size = sizeFromShape(shape), this.strides = computeStrides(shape), this.dataId = dataId, this.id = id, this.rankType = this.rank < 5 ? this.rank.toString() : "higher";
  }
  get rank() {
    return this.shape.length;
  }
  /**
   * Returns a promise of `tf.TensorBuffer` that holds the underlying data.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  async buffer() {
    let vals = await this.data();
    return opHandler.buffer(this.shape, this.dtype, vals);
  }
  /**
   * Returns a `tf.TensorBuffer` that holds the underlying data.
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  bufferSync() {
    return opHandler.buffer(this.shape, this.dtype, this.dataSync());
  }
  /**
   * Returns the tensor data as a nested array. The transfer of data is done
   * asynchronously.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  async array() {
    let vals = await this.data();
    return toNestedArray(this.shape, vals, this.dtype === "complex64");
  }
  /**
   * Returns the tensor data as a nested array. The transfer of data is done
   * synchronously.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  arraySync() {
    return toNestedArray(this.shape, this.dataSync(), this.dtype === "complex64");
  }
  /**
   * Asynchronously downloads the values from the `tf.Tensor`. Returns a
   * promise of `TypedArray` that resolves when the computation has finished.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  async data() {
    this.throwIfDisposed();
    let data = trackerFn().read(this.dataId);
    if (this.dtype === "string") {
      let bytes = await data;
      try {
        return bytes.map((b) => decodeString(b));
      } catch {
        throw new Error("Failed to decode the string bytes into utf-8. To get the original bytes, call tensor.bytes().");
      }
    }
    return data;
  }
  /**
   * Copy the tensor's data to a new GPU resource. Comparing to the `dataSync()`
   * and `data()`, this method prevents data from being downloaded to CPU.
   *
   * For WebGL backend, the data will be stored on a densely packed texture.
   * This means that the texture will use the RGBA channels to store value.
   *
   * For WebGPU backend, the data will be stored on a buffer. There is no
   * parameter, so can not use a user-defined size to create the buffer.
   *
   * @param options:
   *     For WebGL,
   *         - customTexShape: Optional. If set, will use the user defined
   *     texture shape to create the texture.
   *
   * @returns For WebGL backend, a GPUData contains the new texture and
   *     its information.
   *     {
   *        tensorRef: The tensor that is associated with this texture,
   *        texture: WebGLTexture,
   *        texShape: [number, number] // [height, width]
   *     }
   *
   *     For WebGPU backend, a GPUData contains the new buffer.
   *     {
   *        tensorRef: The tensor that is associated with this buffer,
   *        buffer: GPUBuffer,
   *     }
   *
   *     Remember to dispose the GPUData after it is used by
   *     `res.tensorRef.dispose()`.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  dataToGPU(options) {
    return this.throwIfDisposed(), trackerFn().readToGPU(this.dataId, options);
  }
  /**
   * Synchronously downloads the values from the `tf.Tensor`. This blocks the
   * UI thread until the values are ready, which can cause performance issues.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  dataSync() {
    this.throwIfDisposed();
    let data = trackerFn().readSync(this.dataId);
    if (this.dtype === "string")
      try {
        return data.map((b) => decodeString(b));
      } catch {
        throw new Error("Failed to decode the string bytes into utf-8. To get the original bytes, call tensor.bytes().");
      }
    return data;
  }
  /** Returns the underlying bytes of the tensor's data. */
  async bytes() {
    this.throwIfDisposed();
    let data = await trackerFn().read(this.dataId);
    return this.dtype === "string" ? data : new Uint8Array(data.buffer);
  }
  /**
   * Disposes `tf.Tensor` from memory.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  dispose() {
    this.isDisposed || (this.kerasMask && this.kerasMask.dispose(), trackerFn().disposeTensor(this), this.isDisposedInternal = !0);
  }
  get isDisposed() {
    return this.isDisposedInternal;
  }
  throwIfDisposed() {
    if (this.isDisposed)
      throw new Error("Tensor is disposed.");
  }
  /**
   * Prints the `tf.Tensor`. See `tf.print` for details.
   *
   * @param verbose Whether to print verbose information about the tensor,
   *    including dtype and size.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  print(verbose = !1) {
    return opHandler.print(this, verbose);
  }
  /**
   * Returns a copy of the tensor. See `tf.clone` for details.
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  clone() {
    return this.throwIfDisposed(), opHandler.clone(this);
  }
  /**
   * Returns a human-readable description of the tensor. Useful for logging.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  toString(verbose = !1) {
    let vals = this.dataSync();
    return tensorToString(vals, this.shape, this.dtype, verbose);
  }
  cast(dtype) {
    return this.throwIfDisposed(), opHandler.cast(this, dtype);
  }
  variable(trainable = !0, name, dtype) {
    return this.throwIfDisposed(), trackerFn().makeVariable(this, trainable, name, dtype);
  }
};
Object.defineProperty(Tensor, Symbol.hasInstance, {
  value: (instance) => !!instance && instance.data != null && instance.dataSync != null && instance.throwIfDisposed != null
});
function getGlobalTensorClass() {
  return getGlobal("Tensor", () => Tensor);
}
getGlobalTensorClass();
var Variable = class extends Tensor {
  constructor(initialValue, trainable, name, tensorId) {
    super(initialValue.shape, initialValue.dtype, initialValue.dataId, tensorId), this.trainable = trainable, this.name = name;
  }
  /**
   * Assign a new `tf.Tensor` to this variable. The new `tf.Tensor` must have
   * the same shape and dtype as the old `tf.Tensor`.
   *
   * @param newValue New tensor to be assigned to this variable.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  assign(newValue) {
    if (newValue.dtype !== this.dtype)
      throw new Error(`dtype of the new value (${newValue.dtype}) and previous value (${this.dtype}) must match`);
    if (!arraysEqual(newValue.shape, this.shape))
      throw new Error(`shape of the new value (${newValue.shape}) and previous value (${this.shape}) must match`);
    trackerFn().disposeTensor(this), this.dataId = newValue.dataId, trackerFn().incRef(
      this,
      null
      /* backend */
    );
  }
  dispose() {
    trackerFn().disposeVariable(this), this.isDisposedInternal = !0;
  }
};
Object.defineProperty(Variable, Symbol.hasInstance, {
  value: (instance) => instance instanceof Tensor && instance.assign != null && instance.assign instanceof Function
});

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/types.js
var Rank;
(function(Rank2) {
  Rank2.R0 = "R0", Rank2.R1 = "R1", Rank2.R2 = "R2", Rank2.R3 = "R3", Rank2.R4 = "R4", Rank2.R5 = "R5", Rank2.R6 = "R6";
})(Rank || (Rank = {}));
var UpcastInt32AndMap;
(function(UpcastInt32AndMap2) {
  UpcastInt32AndMap2.float32 = "float32", UpcastInt32AndMap2.int32 = "int32", UpcastInt32AndMap2.bool = "int32", UpcastInt32AndMap2.complex64 = "complex64";
})(UpcastInt32AndMap || (UpcastInt32AndMap = {}));
var UpcastBoolAndMap;
(function(UpcastBoolAndMap2) {
  UpcastBoolAndMap2.float32 = "float32", UpcastBoolAndMap2.int32 = "int32", UpcastBoolAndMap2.bool = "bool", UpcastBoolAndMap2.complex64 = "complex64";
})(UpcastBoolAndMap || (UpcastBoolAndMap = {}));
var UpcastFloat32AndMap;
(function(UpcastFloat32AndMap2) {
  UpcastFloat32AndMap2.float32 = "float32", UpcastFloat32AndMap2.int32 = "float32", UpcastFloat32AndMap2.bool = "float32", UpcastFloat32AndMap2.complex64 = "complex64";
})(UpcastFloat32AndMap || (UpcastFloat32AndMap = {}));
var UpcastComplex64AndMap;
(function(UpcastComplex64AndMap2) {
  UpcastComplex64AndMap2.float32 = "complex64", UpcastComplex64AndMap2.int32 = "complex64", UpcastComplex64AndMap2.bool = "complex64", UpcastComplex64AndMap2.complex64 = "complex64";
})(UpcastComplex64AndMap || (UpcastComplex64AndMap = {}));
var upcastTypeMap = {
  float32: UpcastFloat32AndMap,
  int32: UpcastInt32AndMap,
  bool: UpcastBoolAndMap,
  complex64: UpcastComplex64AndMap
};
function upcastType(typeA, typeB) {
  if (typeA === "string" || typeB === "string") {
    if (typeA === "string" && typeB === "string")
      return "string";
    throw new Error(`Can not upcast ${typeA} with ${typeB}`);
  }
  return upcastTypeMap[typeA][typeB];
}
function isWebGLData(values) {
  return values != null && typeof values == "object" && "texture" in values && values.texture instanceof WebGLTexture;
}
function isWebGPUData(values) {
  return typeof GPUBuffer < "u" && values != null && typeof values == "object" && "buffer" in values && values.buffer instanceof GPUBuffer;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/tensor_util.js
function makeTypesMatch(a, b) {
  if (a.dtype === b.dtype)
    return [a, b];
  let dtype = upcastType(a.dtype, b.dtype);
  return [a.cast(dtype), b.cast(dtype)];
}
function getTensorsInContainer(result) {
  let list = [];
  return walkTensorContainer(result, list, /* @__PURE__ */ new Set()), list;
}
function walkTensorContainer(container, list, seen) {
  if (container == null)
    return;
  if (container instanceof Tensor) {
    list.push(container);
    return;
  }
  if (!isIterable(container))
    return;
  let iterable = container;
  for (let k in iterable) {
    let val = iterable[k];
    seen.has(val) || (seen.add(val), walkTensorContainer(val, list, seen));
  }
}
function isIterable(obj) {
  return Array.isArray(obj) || typeof obj == "object";
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/engine.js
function isRegisteredKernelInvocation(kernelInvocation) {
  return kernelInvocation.kernelName != null;
}
var EngineState = class {
  constructor() {
    this.registeredVariables = {}, this.nextTapeNodeId = 0, this.numBytes = 0, this.numTensors = 0, this.numStringTensors = 0, this.numDataBuffers = 0, this.gradientDepth = 0, this.kernelDepth = 0, this.scopeStack = [], this.numDataMovesStack = [], this.nextScopeId = 0, this.tensorInfo = /* @__PURE__ */ new WeakMap(), this.profiling = !1, this.activeProfile = {
      newBytes: 0,
      newTensors: 0,
      peakBytes: 0,
      kernels: [],
      result: null,
      get kernelNames() {
        return Array.from(new Set(this.kernels.map((k) => k.name)));
      }
    };
  }
  dispose() {
    for (let variableName in this.registeredVariables)
      this.registeredVariables[variableName].dispose();
  }
}, Engine = class _Engine {
  constructor(ENV3) {
    this.ENV = ENV3, this.registry = {}, this.registryFactory = {}, this.pendingBackendInitId = 0, this.state = new EngineState();
  }
  async ready() {
    if (this.pendingBackendInit != null)
      return this.pendingBackendInit.then(() => {
      });
    if (this.backendInstance != null)
      return;
    let sortedBackends = this.getSortedBackends();
    for (let i = 0; i < sortedBackends.length; i++) {
      let backendName = sortedBackends[i];
      if (await this.initializeBackend(backendName).success) {
        await this.setBackend(backendName);
        return;
      }
    }
    throw new Error("Could not initialize any backends, all backend initializations failed.");
  }
  get backend() {
    if (this.pendingBackendInit != null)
      throw new Error(`Backend '${this.backendName}' has not yet been initialized. Make sure to await tf.ready() or await tf.setBackend() before calling other methods`);
    if (this.backendInstance == null) {
      let { name, asyncInit } = this.initializeBackendsAndReturnBest();
      if (asyncInit)
        throw new Error(`The highest priority backend '${name}' has not yet been initialized. Make sure to await tf.ready() or await tf.setBackend() before calling other methods`);
      this.setBackend(name);
    }
    return this.backendInstance;
  }
  backendNames() {
    return Object.keys(this.registryFactory);
  }
  findBackend(backendName) {
    if (!(backendName in this.registry))
      if (backendName in this.registryFactory) {
        let { asyncInit } = this.initializeBackend(backendName);
        if (asyncInit)
          return null;
      } else
        return null;
    return this.registry[backendName];
  }
  findBackendFactory(backendName) {
    return backendName in this.registryFactory ? this.registryFactory[backendName].factory : null;
  }
  registerBackend(backendName, factory, priority = 1) {
    return backendName in this.registryFactory ? (warn(`${backendName} backend was already registered. Reusing existing backend factory.`), !1) : (this.registryFactory[backendName] = { factory, priority }, !0);
  }
  async setBackend(backendName) {
    if (this.registryFactory[backendName] == null)
      throw new Error(`Backend name '${backendName}' not found in registry`);
    if (this.backendName = backendName, this.registry[backendName] == null) {
      this.backendInstance = null;
      let { success, asyncInit } = this.initializeBackend(backendName);
      if (!(asyncInit ? await success : success))
        return !1;
    }
    return this.backendInstance = this.registry[backendName], this.setupRegisteredKernels(), this.profiler = new Profiler(this.backendInstance), !0;
  }
  setupRegisteredKernels() {
    getKernelsForBackend(this.backendName).forEach((kernel) => {
      kernel.setupFunc != null && kernel.setupFunc(this.backendInstance);
    });
  }
  disposeRegisteredKernels(backendName) {
    getKernelsForBackend(backendName).forEach((kernel) => {
      kernel.disposeFunc != null && kernel.disposeFunc(this.registry[backendName]);
    });
  }
  /**
   * Initializes a backend by looking up the backend name in the factory
   * registry and calling the factory method. Returns a boolean representing
   * whether the initialization of the backend succeeded. Throws an error if
   * there is no backend in the factory registry.
   */
  initializeBackend(backendName) {
    let registryFactoryEntry = this.registryFactory[backendName];
    if (registryFactoryEntry == null)
      throw new Error(`Cannot initialize backend ${backendName}, no registration found.`);
    try {
      let backend = registryFactoryEntry.factory();
      if (backend && !(backend instanceof KernelBackend) && typeof backend.then == "function") {
        let promiseId = ++this.pendingBackendInitId, success = backend.then((backendInstance) => promiseId < this.pendingBackendInitId ? !1 : (this.registry[backendName] = backendInstance, this.pendingBackendInit = null, !0)).catch((err) => (promiseId < this.pendingBackendInitId || (this.pendingBackendInit = null, warn(`Initialization of backend ${backendName} failed`), warn(err.stack || err.message)), !1));
        return this.pendingBackendInit = success, { success, asyncInit: !0 };
      } else
        return this.registry[backendName] = backend, { success: !0, asyncInit: !1 };
    } catch (err) {
      return warn(`Initialization of backend ${backendName} failed`), warn(err.stack || err.message), { success: !1, asyncInit: !1 };
    }
  }
  removeBackend(backendName) {
    if (!(backendName in this.registryFactory))
      throw new Error(`${backendName} backend not found in registry`);
    this.backendName === backendName && this.pendingBackendInit != null && this.pendingBackendInitId++, backendName in this.registry && (this.disposeRegisteredKernels(backendName), this.registry[backendName].dispose(), delete this.registry[backendName]), delete this.registryFactory[backendName], this.backendName === backendName && (this.pendingBackendInit = null, this.backendName = null, this.backendInstance = null);
  }
  getSortedBackends() {
    if (Object.keys(this.registryFactory).length === 0)
      throw new Error("No backend found in registry.");
    return Object.keys(this.registryFactory).sort((a, b) => this.registryFactory[b].priority - this.registryFactory[a].priority);
  }
  initializeBackendsAndReturnBest() {
    let sortedBackends = this.getSortedBackends();
    for (let i = 0; i < sortedBackends.length; i++) {
      let backendName = sortedBackends[i], { success, asyncInit } = this.initializeBackend(backendName);
      if (asyncInit || success)
        return { name: backendName, asyncInit };
    }
    throw new Error("Could not initialize any backends, all backend initializations failed.");
  }
  moveData(backend, dataId) {
    let info = this.state.tensorInfo.get(dataId), srcBackend = info.backend, values = this.readSync(dataId), refCount = srcBackend.refCount(dataId);
    srcBackend.disposeData(dataId, !0), info.backend = backend, backend.move(dataId, values, info.shape, info.dtype, refCount), this.shouldCheckForMemLeaks() && this.state.numDataMovesStack[this.state.numDataMovesStack.length - 1]++;
  }
  tidy(nameOrFn, fn) {
    let name = null;
    if (fn == null) {
      if (typeof nameOrFn != "function")
        throw new Error("Please provide a function to tidy()");
      fn = nameOrFn;
    } else {
      if (typeof nameOrFn != "string" && !(nameOrFn instanceof String))
        throw new Error("When calling with two arguments, the first argument to tidy() must be a string");
      if (typeof fn != "function")
        throw new Error("When calling with two arguments, the 2nd argument to tidy() must be a function");
      name = nameOrFn;
    }
    let result;
    return this.scopedRun(() => this.startScope(name), () => this.endScope(result), () => (result = fn(), result instanceof Promise && console.error("Cannot return a Promise inside of tidy."), result));
  }
  scopedRun(start, end, f) {
    start();
    try {
      let res = f();
      return end(), res;
    } catch (ex) {
      throw end(), ex;
    }
  }
  nextTensorId() {
    return _Engine.nextTensorId++;
  }
  nextVariableId() {
    return _Engine.nextVariableId++;
  }
  /**
   * This method is called instead of the public-facing tensor.clone() when
   * saving a tensor for backwards pass. It makes sure to add the clone
   * operation to the tape regardless of being called inside a kernel
   * execution.
   */
  clone(x) {
    let y = ENGINE.runKernel(Identity, { x }), inputs = { x }, grad = (dy) => ({
      x: () => {
        let dtype = "float32", gradInputs = { x: dy }, attrs = { dtype };
        return ENGINE.runKernel(
          Cast,
          gradInputs,
          // tslint:disable-next-line: no-unnecessary-type-assertion
          attrs
        );
      }
    }), saved = [];
    return this.addTapeNode(this.state.activeScope.name, inputs, [y], grad, saved, {}), y;
  }
  /**
   * Execute a kernel with the given name and return the output tensor.
   *
   * @param kernelName The name of the kernel to execute.
   * @param inputs A map of input names to tensors.
   * @param attrs A map of attribute names to their values. An attribute is a
   *     primitive (non-tensor) input to the kernel.
   * @param inputsToSave A list of tensors, inputs to save for the backprop
   *     computation.
   * @param outputsToSave A list of booleans, specifying which output to save
   *     for the backprop computation. These are booleans since the output
   * tensors are not visible to the user.
   */
  runKernel(kernelName, inputs, attrs) {
    if (this.backendName == null && this.backend, !(getKernel(kernelName, this.backendName) != null))
      throw new Error(`Kernel '${kernelName}' not registered for backend '${this.backendName}'`);
    return this.runKernelFunc({ kernelName, inputs, attrs });
  }
  shouldCheckForMemLeaks() {
    return this.ENV.getBool("IS_TEST");
  }
  checkKernelForMemLeak(kernelName, numDataIdsBefore, outInfos) {
    let numDataIdsAfter = this.backend.numDataIds(), numOutputDataIds = 0;
    outInfos.forEach((info) => {
      numOutputDataIds += info.dtype === "complex64" ? 3 : 1;
    });
    let numMoves = this.state.numDataMovesStack[this.state.numDataMovesStack.length - 1], dataIdsLeaked = numDataIdsAfter - numDataIdsBefore - numOutputDataIds - numMoves;
    if (dataIdsLeaked > 0)
      throw new Error(`Backend '${this.backendName}' has an internal memory leak (${dataIdsLeaked} data ids) after running '${kernelName}'`);
  }
  /**
   * Internal helper method to execute a kernel Func
   *
   * Use `runKernel` to execute kernels from outside of engine.
   */
  runKernelFunc(kernelParams) {
    let outputs, saved = [], isTapeOn = this.isTapeOn(), startingBytecount = this.state.numBytes, startingNumTensors = this.state.numTensors;
    this.shouldCheckForMemLeaks() && this.state.numDataMovesStack.push(0);
    let kernelFunc;
    this.backendName == null && this.backend;
    let out, kernelOrScopeName = isRegisteredKernelInvocation(kernelParams) ? kernelParams.kernelName : this.state.activeScope != null ? this.state.activeScope.name : "";
    if (isRegisteredKernelInvocation(kernelParams)) {
      let { kernelName, inputs: inputs2, attrs: attrs2 } = kernelParams;
      this.backendName == null && this.backend;
      let kernel = getKernel(kernelName, this.backendName);
      assert(kernel != null, () => `Cannot find registered kernel '${kernelName}' for backend '${this.backendName}'`), kernelFunc = () => {
        let numDataIdsBefore = this.backend.numDataIds();
        out = kernel.kernelFunc({ inputs: inputs2, attrs: attrs2, backend: this.backend });
        let outInfos = Array.isArray(out) ? out : [out];
        this.shouldCheckForMemLeaks() && this.checkKernelForMemLeak(kernelName, numDataIdsBefore, outInfos);
        let outTensors = outInfos.map((outInfo) => outInfo.rank != null ? outInfo : this.makeTensorFromTensorInfo(outInfo));
        if (isTapeOn) {
          let tensorsToSave = this.getTensorsForGradient(kernelName, inputs2, outTensors);
          saved = this.saveTensorsForBackwardMode(tensorsToSave);
        }
        return outTensors;
      };
    } else {
      let { forwardFunc } = kernelParams, saveFunc = (tensors) => {
        isTapeOn && (saved = tensors.map((tensor) => this.keep(this.clone(tensor))));
      };
      kernelFunc = () => {
        let numDataIdsBefore = this.backend.numDataIds();
        out = this.tidy(() => forwardFunc(this.backend, saveFunc));
        let outs = Array.isArray(out) ? out : [out];
        return this.shouldCheckForMemLeaks() && this.checkKernelForMemLeak(kernelOrScopeName, numDataIdsBefore, outs), outs;
      };
    }
    let { inputs, attrs } = kernelParams, backwardsFunc = isRegisteredKernelInvocation(kernelParams) ? null : kernelParams.backwardsFunc, kernelProfile;
    return this.scopedRun(
      // Stop recording to a tape when running a kernel.
      () => this.state.kernelDepth++,
      () => this.state.kernelDepth--,
      () => {
        !this.ENV.getBool("DEBUG") && !this.state.profiling ? outputs = kernelFunc() : (kernelProfile = this.profiler.profileKernel(kernelOrScopeName, inputs, () => kernelFunc()), this.ENV.getBool("DEBUG") && this.profiler.logKernelProfile(kernelProfile), outputs = kernelProfile.outputs);
      }
    ), isTapeOn && this.addTapeNode(kernelOrScopeName, inputs, outputs, backwardsFunc, saved, attrs), this.state.profiling && this.state.activeProfile.kernels.push({
      name: kernelOrScopeName,
      bytesAdded: this.state.numBytes - startingBytecount,
      totalBytesSnapshot: this.state.numBytes,
      tensorsAdded: this.state.numTensors - startingNumTensors,
      totalTensorsSnapshot: this.state.numTensors,
      inputShapes: Object.keys(inputs).map((key) => inputs[key] != null ? inputs[key].shape : null),
      outputShapes: outputs.map((item) => item.shape),
      kernelTimeMs: kernelProfile.timeMs,
      extraInfo: kernelProfile.extraInfo
    }), Array.isArray(out) ? outputs : outputs[0];
  }
  /**
   * Saves tensors used in forward mode for use in backward mode.
   *
   * @param tensors the list of tensors to save.
   */
  saveTensorsForBackwardMode(tensors) {
    return tensors.map((tensor) => this.keep(this.clone(tensor)));
  }
  /**
   * Returns a list of tensors to save for a given gradient calculation.
   *
   * @param kernelName name of kernel to look up gradient for.
   * @param inputs a map of input tensors.
   * @param outputs an array of output tensors from forward mode of kernel.
   */
  getTensorsForGradient(kernelName, inputs, outputs) {
    let gradConfig = getGradient(kernelName);
    if (gradConfig != null) {
      let inputsToSave = gradConfig.inputsToSave || [], outputsToSave = gradConfig.outputsToSave || [], inputTensorsToSave;
      gradConfig.saveAllInputs ? (assert(Array.isArray(inputs), () => "saveAllInputs is true, expected inputs to be an array."), inputTensorsToSave = Object.keys(inputs).map((key) => inputs[key])) : inputTensorsToSave = inputsToSave.map((inputName) => inputs[inputName]);
      let outputTensorsToSave = outputs.filter((_, i) => outputsToSave[i]);
      return inputTensorsToSave.concat(outputTensorsToSave);
    }
    return [];
  }
  /**
   * Internal method used by public APIs for tensor creation. Makes a new
   * tensor with the provided shape, dtype and values. It always
   * creates a new data id and writes the values to the underlying backend.
   */
  makeTensor(values, shape, dtype, backend) {
    if (values == null)
      throw new Error("Values passed to engine.makeTensor() are null");
    dtype = dtype || "float32", backend = backend || this.backend;
    let backendVals = values;
    dtype === "string" && isString(values[0]) && (backendVals = values.map((d) => encodeString(d)));
    let dataId = backend.write(backendVals, shape, dtype), t = new Tensor(shape, dtype, dataId, this.nextTensorId());
    if (this.trackTensor(t, backend), dtype === "string") {
      let info = this.state.tensorInfo.get(dataId), newBytes = bytesFromStringArray(backendVals);
      this.state.numBytes += newBytes - info.bytes, info.bytes = newBytes;
    }
    return t;
  }
  /**
   * Internal method used by backends. Makes a new tensor
   * that is a wrapper around an existing data id. It doesn't create
   * a new data id, only increments the ref count used in memory tracking.
   * @deprecated
   */
  makeTensorFromDataId(dataId, shape, dtype, backend) {
    dtype = dtype || "float32";
    let tensorInfo = { dataId, shape, dtype };
    return this.makeTensorFromTensorInfo(tensorInfo, backend);
  }
  /**
   * Internal method used by backends. Makes a new tensor that is a wrapper
   * around an existing data id in TensorInfo. It doesn't create a new data id,
   * only increments the ref count used in memory tracking.
   */
  makeTensorFromTensorInfo(tensorInfo, backend) {
    let { dataId, shape, dtype } = tensorInfo, t = new Tensor(shape, dtype, dataId, this.nextTensorId());
    return this.trackTensor(t, backend), t;
  }
  makeVariable(initialValue, trainable = !0, name, dtype) {
    name = name || this.nextVariableId().toString(), dtype != null && dtype !== initialValue.dtype && (initialValue = initialValue.cast(dtype));
    let v = new Variable(initialValue, trainable, name, this.nextTensorId());
    if (this.state.registeredVariables[v.name] != null)
      throw new Error(`Variable with name ${v.name} was already registered`);
    return this.state.registeredVariables[v.name] = v, this.incRef(v, this.backend), v;
  }
  trackTensor(a, backend) {
    this.state.numTensors++, a.dtype === "string" && this.state.numStringTensors++;
    let bytes = 0;
    a.dtype !== "complex64" && a.dtype !== "string" && (bytes = a.size * bytesPerElement(a.dtype)), this.state.numBytes += bytes, this.state.tensorInfo.has(a.dataId) || (this.state.numDataBuffers++, this.state.tensorInfo.set(a.dataId, {
      backend: backend || this.backend,
      dtype: a.dtype,
      shape: a.shape,
      bytes
    })), a instanceof Variable || this.track(a);
  }
  // Track the tensor by dataId and increase the refCount for the dataId in the
  // backend.
  // TODO(pyu10055): This is currently used by makeVariable method, to increase
  // refCount on the backend for the dataId. It can potentially be replaced with
  // Identity op indead of calling backend directly.
  incRef(a, backend) {
    this.trackTensor(a, backend), this.backend.incRef(a.dataId);
  }
  removeDataId(dataId, backend) {
    this.state.tensorInfo.has(dataId) && this.state.tensorInfo.get(dataId).backend === backend && (this.state.tensorInfo.delete(dataId), this.state.numDataBuffers--);
  }
  disposeTensor(a) {
    if (!this.state.tensorInfo.has(a.dataId))
      return;
    let info = this.state.tensorInfo.get(a.dataId);
    if (this.state.numTensors--, a.dtype === "string" && (this.state.numStringTensors--, this.state.numBytes -= info.bytes), a.dtype !== "complex64" && a.dtype !== "string") {
      let bytes = a.size * bytesPerElement(a.dtype);
      this.state.numBytes -= bytes;
    }
    info.backend.disposeData(a.dataId) && this.removeDataId(a.dataId, info.backend);
  }
  disposeVariables() {
    for (let varName in this.state.registeredVariables) {
      let v = this.state.registeredVariables[varName];
      this.disposeVariable(v);
    }
  }
  disposeVariable(v) {
    this.disposeTensor(v), this.state.registeredVariables[v.name] != null && delete this.state.registeredVariables[v.name];
  }
  memory() {
    let info = this.backend.memory();
    return info.numTensors = this.state.numTensors, info.numDataBuffers = this.state.numDataBuffers, info.numBytes = this.state.numBytes, this.state.numStringTensors > 0 && (info.unreliable = !0, info.reasons == null && (info.reasons = []), info.reasons.push("Memory usage by string tensors is approximate (2 bytes per character)")), info;
  }
  async profile(query) {
    this.state.profiling = !0;
    let startBytes = this.state.numBytes, startNumTensors = this.state.numTensors;
    this.state.activeProfile.kernels = [], this.state.activeProfile.result = await query(), this.state.profiling = !1, this.state.activeProfile.peakBytes = Math.max(...this.state.activeProfile.kernels.map((d) => d.totalBytesSnapshot)), this.state.activeProfile.newBytes = this.state.numBytes - startBytes, this.state.activeProfile.newTensors = this.state.numTensors - startNumTensors;
    for (let kernel of this.state.activeProfile.kernels)
      kernel.kernelTimeMs = await kernel.kernelTimeMs, kernel.extraInfo = await kernel.extraInfo;
    return this.state.activeProfile;
  }
  isTapeOn() {
    return this.state.gradientDepth > 0 && this.state.kernelDepth === 0;
  }
  addTapeNode(kernelName, inputs, outputs, gradientsFunc, saved, attrs) {
    let tapeNode = { id: this.state.nextTapeNodeId++, kernelName, inputs, outputs, saved }, gradConfig = getGradient(kernelName);
    gradConfig != null && (gradientsFunc = gradConfig.gradFunc), gradientsFunc != null && (tapeNode.gradient = (dys) => (dys = dys.map((dy, i) => {
      if (dy == null) {
        let output = outputs[i], vals = makeZerosTypedArray(output.size, output.dtype);
        return this.makeTensor(vals, output.shape, output.dtype);
      }
      return dy;
    }), gradientsFunc(dys.length > 1 ? dys : dys[0], saved, attrs))), this.state.activeTape.push(tapeNode);
  }
  keep(result) {
    return result.kept = !0, result;
  }
  startTape() {
    this.state.gradientDepth === 0 && (this.state.activeTape = []), this.state.gradientDepth++;
  }
  endTape() {
    this.state.gradientDepth--;
  }
  /**
   * Start a scope. Use this with endScope() to achieve the same functionality
   * as scope() without the need for a function closure.
   */
  startScope(name) {
    let scopeInfo = {
      track: [],
      name: "unnamed scope",
      id: this.state.nextScopeId++
    };
    name && (scopeInfo.name = name), this.state.scopeStack.push(scopeInfo), this.state.activeScope = scopeInfo;
  }
  /**
   * End a scope. Use this with startScope() to achieve the same functionality
   * as scope() without the need for a function closure.
   */
  endScope(result) {
    let tensorsToTrackInParent = getTensorsInContainer(result), tensorsToTrackInParentSet = new Set(tensorsToTrackInParent.map((t) => t.id));
    for (let i = 0; i < this.state.activeScope.track.length; i++) {
      let tensor = this.state.activeScope.track[i];
      !tensor.kept && !tensorsToTrackInParentSet.has(tensor.id) && tensor.dispose();
    }
    let oldScope = this.state.scopeStack.pop();
    this.state.activeScope = this.state.scopeStack.length === 0 ? null : this.state.scopeStack[this.state.scopeStack.length - 1], tensorsToTrackInParent.forEach((tensor) => {
      !tensor.kept && tensor.scopeId === oldScope.id && this.track(tensor);
    });
  }
  /**
   * Returns gradients of `f` with respect to each of the `xs`. The gradients
   * returned are of the same length as `xs`, but some might be null if `f`
   * was not a function of that `x`. It also takes optional dy to multiply the
   * gradient, which defaults to `1`.
   */
  gradients(f, xs, dy, allowNoGradients = !1) {
    if (assert(xs.length > 0, () => "gradients() received an empty list of xs."), dy != null && dy.dtype !== "float32")
      throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
    let y = this.scopedRun(() => this.startTape(), () => this.endTape(), () => this.tidy("forward", f));
    assert(y instanceof Tensor, () => "The result y returned by f() must be a tensor.");
    let filteredTape = getFilteredNodesXToY(this.state.activeTape, xs, y);
    if (!allowNoGradients && filteredTape.length === 0 && xs.length > 0)
      throw new Error("Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.");
    return this.tidy("backward", () => {
      let accumulatedGradientMap = {};
      accumulatedGradientMap[y.id] = dy ?? ones(y.shape), backpropagateGradients(
        accumulatedGradientMap,
        filteredTape,
        // Pass the tidy function to avoid circular dep with `tape.ts`.
        (f2) => this.tidy(f2),
        // Pass an add function to avoide a circular dep with `tape.ts`.
        add
      );
      let grads = xs.map((x) => accumulatedGradientMap[x.id]);
      return this.state.gradientDepth === 0 && (this.state.activeTape.forEach((node) => {
        for (let tensor of node.saved)
          tensor.dispose();
      }), this.state.activeTape = null), { value: y, grads };
    });
  }
  customGrad(f) {
    return assert(isFunction(f), () => "The f passed in customGrad(f) must be a function."), (...inputs) => {
      assert(inputs.every((t) => t instanceof Tensor), () => "The args passed in customGrad(f)(x1, x2,...) must all be tensors");
      let res, inputMap = {};
      inputs.forEach((input, i) => {
        inputMap[i] = input;
      });
      let forwardFunc = (_, save) => (res = f(...inputs, save), assert(res.value instanceof Tensor, () => "The function f passed in customGrad(f) must return an object where `obj.value` is a tensor"), assert(isFunction(res.gradFunc), () => "The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function."), res.value), backwardsFunc = (dy, saved) => {
        let gradRes = res.gradFunc(dy, saved), grads = Array.isArray(gradRes) ? gradRes : [gradRes];
        assert(grads.length === inputs.length, () => "The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function that returns the same number of tensors as inputs passed to f(...)."), assert(grads.every((t) => t instanceof Tensor), () => "The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function that returns a list of only tensors.");
        let gradMap = {};
        return grads.forEach((grad, i) => {
          gradMap[i] = () => grad;
        }), gradMap;
      };
      return this.runKernelFunc({
        forwardFunc,
        backwardsFunc,
        inputs: inputMap
      });
    };
  }
  readSync(dataId) {
    return this.state.tensorInfo.get(dataId).backend.readSync(dataId);
  }
  read(dataId) {
    return this.state.tensorInfo.get(dataId).backend.read(dataId);
  }
  readToGPU(dataId, options) {
    return this.state.tensorInfo.get(dataId).backend.readToGPU(dataId, options);
  }
  async time(query) {
    let start = now(), timingInfo = await this.backend.time(query);
    return timingInfo.wallMs = now() - start, timingInfo;
  }
  /**
   * Tracks a Tensor in the current scope to be automatically cleaned up
   * when the current scope ends, and returns the value.
   *
   * @param result The Tensor to track in the current scope.
   */
  track(result) {
    return this.state.activeScope != null && (result.scopeId = this.state.activeScope.id, this.state.activeScope.track.push(result)), result;
  }
  get registeredVariables() {
    return this.state.registeredVariables;
  }
  /**
   * Resets the engine state. Removes all backends but does not remove
   * registered backend factories.
   */
  reset() {
    this.pendingBackendInitId++, this.state.dispose(), this.ENV.reset(), this.state = new EngineState();
    for (let backendName in this.registry)
      this.disposeRegisteredKernels(backendName), this.registry[backendName].dispose(), delete this.registry[backendName];
    this.backendName = null, this.backendInstance = null, this.pendingBackendInit = null;
  }
};
Engine.nextTensorId = 0;
Engine.nextVariableId = 0;
function ones(shape) {
  let values = makeOnesTypedArray(sizeFromShape(shape), "float32");
  return ENGINE.makeTensor(values, shape, "float32");
}
function getOrMakeEngine() {
  let ns = getGlobalNamespace();
  if (ns._tfengine == null) {
    let environment = new Environment(ns);
    ns._tfengine = new Engine(environment);
  }
  return setEnvironmentGlobal(ns._tfengine.ENV), setTensorTracker(() => ns._tfengine), ns._tfengine;
}
var ENGINE = getOrMakeEngine();
function add(a, b) {
  let inputs = { a, b };
  return ENGINE.runKernel("Add", inputs);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/tensor_util_env.js
function inferShape(val, dtype) {
  let firstElem = val;
  if (isTypedArray(val))
    return dtype === "string" ? [] : [val.length];
  if (isWebGLData(val)) {
    let usedChannels = val.channels || "RGBA";
    return [val.height, val.width * usedChannels.length];
  } else if (isWebGPUData(val))
    return [val.buffer.size / (dtype == null ? 4 : bytesPerElement(dtype))];
  if (!Array.isArray(val))
    return [];
  let shape = [];
  for (; Array.isArray(firstElem) || isTypedArray(firstElem) && dtype !== "string"; )
    shape.push(firstElem.length), firstElem = firstElem[0];
  return Array.isArray(val) && env().getBool("TENSORLIKE_CHECK_SHAPE_CONSISTENCY") && deepAssertShapeConsistency(val, shape, []), shape;
}
function deepAssertShapeConsistency(val, shape, indices) {
  if (indices = indices || [], !Array.isArray(val) && !isTypedArray(val)) {
    assert(shape.length === 0, () => `Element arr[${indices.join("][")}] is a primitive, but should be an array/TypedArray of ${shape[0]} elements`);
    return;
  }
  assert(shape.length > 0, () => `Element arr[${indices.join("][")}] should be a primitive, but is an array of ${val.length} elements`), assert(val.length === shape[0], () => `Element arr[${indices.join("][")}] should have ${shape[0]} elements, but has ${val.length} elements`);
  let subShape = shape.slice(1);
  for (let i = 0; i < val.length; ++i)
    deepAssertShapeConsistency(val[i], subShape, indices.concat(i));
}
function assertDtype(expectedDtype, actualDType, argName, functionName) {
  if (expectedDtype !== "string_or_numeric") {
    if (expectedDtype == null)
      throw new Error("Expected dtype cannot be null.");
    if (expectedDtype !== "numeric" && expectedDtype !== actualDType || expectedDtype === "numeric" && actualDType === "string")
      throw new Error(`Argument '${argName}' passed to '${functionName}' must be ${expectedDtype} tensor, but got ${actualDType} tensor`);
  }
}
function convertToTensor(x, argName, functionName, parseAsDtype = "numeric") {
  if (x instanceof getGlobalTensorClass())
    return assertDtype(parseAsDtype, x.dtype, argName, functionName), x;
  let inferredDtype = inferDtype(x);
  if (inferredDtype !== "string" && ["bool", "int32", "float32"].indexOf(parseAsDtype) >= 0 && (inferredDtype = parseAsDtype), assertDtype(parseAsDtype, inferredDtype, argName, functionName), x == null || !isTypedArray(x) && !Array.isArray(x) && typeof x != "number" && typeof x != "boolean" && typeof x != "string") {
    let type = x == null ? "null" : x.constructor.name;
    throw new Error(`Argument '${argName}' passed to '${functionName}' must be a Tensor or TensorLike, but got '${type}'`);
  }
  let inferredShape = inferShape(x, inferredDtype);
  !isTypedArray(x) && !Array.isArray(x) && (x = [x]);
  let values = inferredDtype !== "string" ? toTypedArray(x, inferredDtype) : flatten(x, [], !0);
  return ENGINE.makeTensor(values, inferredShape, inferredDtype);
}
function convertToTensorArray(arg, argName, functionName, parseAsDtype = "numeric") {
  if (!Array.isArray(arg))
    throw new Error(`Argument ${argName} passed to ${functionName} must be a \`Tensor[]\` or \`TensorLike[]\``);
  return arg.map((t, i) => convertToTensor(t, `${argName}[${i}]`, functionName, parseAsDtype));
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/operation.js
var OP_SCOPE_SUFFIX = "__op";
function op(f) {
  let keys = Object.keys(f);
  if (keys.length !== 1)
    throw new Error(`Please provide an object with a single key (operation name) mapping to a function. Got an object with ${keys.length} keys.`);
  let opName = keys[0], fn = f[opName];
  opName.endsWith("_") && (opName = opName.substring(0, opName.length - 1)), opName = opName + OP_SCOPE_SUFFIX;
  let f2 = (...args) => {
    ENGINE.startScope(opName);
    try {
      let result = fn(...args);
      return isPromise(result) && console.error("Cannot return a Promise inside of tidy."), ENGINE.endScope(result), result;
    } catch (ex) {
      throw ENGINE.endScope(null), ex;
    }
  };
  return Object.defineProperty(f2, "name", { value: opName, configurable: !0 }), f2;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/cast.js
function cast_(x, dtype) {
  let $x = convertToTensor(x, "x", "cast");
  if (!isValidDtype(dtype))
    throw new Error(`Failed to cast to unknown dtype ${dtype}`);
  if (dtype === "string" && $x.dtype !== "string" || dtype !== "string" && $x.dtype === "string")
    throw new Error("Only strings can be casted to strings");
  let inputs = { x: $x }, attrs = { dtype };
  return ENGINE.runKernel(Cast, inputs, attrs);
}
var cast = /* @__PURE__ */ op({ cast_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/mul.js
function mul_(a, b) {
  let $a = convertToTensor(a, "a", "mul"), $b = convertToTensor(b, "b", "mul");
  [$a, $b] = makeTypesMatch($a, $b);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(Multiply, inputs);
}
var mul = /* @__PURE__ */ op({ mul_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/step.js
function step_(x, alpha = 0) {
  let inputs = { x: convertToTensor(x, "x", "step") }, attrs = { alpha };
  return ENGINE.runKernel(Step, inputs, attrs);
}
var step = /* @__PURE__ */ op({ step_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Abs_grad.js
var absGradConfig = {
  kernelName: "Abs",
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(dy, step(cast(x, "float32"), -1)) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/floorDiv.js
function floorDiv_(a, b) {
  let $a = convertToTensor(a, "a", "floorDiv"), $b = convertToTensor(b, "b", "floorDiv");
  [$a, $b] = makeTypesMatch($a, $b);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(FloorDiv, inputs);
}
var floorDiv = /* @__PURE__ */ op({ floorDiv_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/div.js
function div_(a, b) {
  let $a = convertToTensor(a, "a", "div"), $b = convertToTensor(b, "b", "div");
  if ([$a, $b] = makeTypesMatch($a, $b), $a.dtype === "int32" && $b.dtype === "int32")
    return floorDiv($a, $b);
  let inputs = { a: $a, b: $b }, attrs = {};
  return ENGINE.runKernel(RealDiv, inputs, attrs);
}
var div = /* @__PURE__ */ op({ div_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/neg.js
function neg_(x) {
  let inputs = { x: convertToTensor(x, "x", "neg") };
  return ENGINE.runKernel("Neg", inputs);
}
var neg = /* @__PURE__ */ op({ neg_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/tensor_ops_util.js
function makeTensor(values, shape, inferredShape, dtype) {
  if (dtype == null)
    dtype = inferDtype(values);
  else if (dtype === "complex64")
    throw new Error("Cannot construct a complex64 tensor directly. Please use tf.complex(real, imag).");
  if (isWebGPUData(values) || isWebGLData(values)) {
    if (dtype !== "float32" && dtype !== "int32")
      throw new Error(`Creating tensor from GPU data only supports 'float32'|'int32' dtype, while the dtype is ${dtype}.`);
    return ENGINE.backend.createTensorFromGPUData(values, shape || inferredShape, dtype);
  }
  if (!isTypedArray(values) && !Array.isArray(values) && typeof values != "number" && typeof values != "boolean" && typeof values != "string")
    throw new Error("values passed to tensor(values) must be a number/boolean/string or an array of numbers/booleans/strings, or a TypedArray");
  if (shape != null) {
    assertNonNegativeIntegerDimensions(shape);
    let providedSize = sizeFromShape(shape), inferredSize = sizeFromShape(inferredShape);
    assert(providedSize === inferredSize, () => `Based on the provided shape, [${shape}], the tensor should have ${providedSize} values but has ${inferredSize}`);
    for (let i = 0; i < inferredShape.length; ++i) {
      let inferred = inferredShape[i], flatDimsDontMatch = i === inferredShape.length - 1 ? inferred !== sizeFromShape(shape.slice(i)) : !0;
      assert(inferredShape[i] === shape[i] || !flatDimsDontMatch, () => `Error creating a new Tensor. Inferred shape (${inferredShape}) does not match the provided shape (${shape}). `);
    }
  }
  return !isTypedArray(values) && !Array.isArray(values) && (values = [values]), shape = shape || inferredShape, values = dtype !== "string" ? toTypedArray(values, dtype) : flatten(values, [], !0), ENGINE.makeTensor(values, shape, dtype);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/scalar.js
function scalar(value, dtype) {
  if ((isTypedArray(value) && dtype !== "string" || Array.isArray(value)) && dtype !== "complex64")
    throw new Error("Error creating a new Scalar: value must be a primitive (number|boolean|string)");
  if (dtype === "string" && isTypedArray(value) && !(value instanceof Uint8Array))
    throw new Error("When making a scalar from encoded string, the value must be `Uint8Array`.");
  return makeTensor(value, [], [], dtype);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sqrt.js
function sqrt_(x) {
  let inputs = { x: convertToTensor(x, "x", "sqrt", "float32") };
  return ENGINE.runKernel(Sqrt, inputs);
}
var sqrt = /* @__PURE__ */ op({ sqrt_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/square.js
function square_(x) {
  let $x = convertToTensor(x, "x", "square"), attrs = {};
  return ENGINE.runKernel("Square", { x: $x }, attrs);
}
var square = /* @__PURE__ */ op({ square_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sub.js
function sub_(a, b) {
  let $a = convertToTensor(a, "a", "sub"), $b = convertToTensor(b, "b", "sub");
  [$a, $b] = makeTypesMatch($a, $b);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel("Sub", inputs);
}
var sub = /* @__PURE__ */ op({ sub_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Acos_grad.js
var acosGradConfig = {
  kernelName: Acos,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return {
      x: () => {
        let a = square(cast(x, "float32")), b = sqrt(sub(scalar(1), a));
        return neg(div(dy, b));
      }
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Acosh_grad.js
var acoshGradConfig = {
  kernelName: Acosh,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return {
      x: () => {
        let a = sqrt(sub(square(cast(x, "float32")), 1));
        return div(dy, a);
      }
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/broadcast_util.js
function getBroadcastDims(inShape, outShape) {
  let inRank = inShape.length, dims = [];
  for (let i = 0; i < inRank; i++) {
    let dim = inRank - 1 - i, a = inShape[dim] || 1;
    (outShape[outShape.length - 1 - i] || 1) > 1 && a === 1 && dims.unshift(dim);
  }
  return dims;
}
function getReductionAxes(inShape, outShape) {
  let result = [];
  for (let i = 0; i < outShape.length; i++) {
    let inDim = inShape[inShape.length - i - 1], outAxis = outShape.length - i - 1, outDim = outShape[outAxis];
    (inDim == null || inDim === 1 && outDim > 1) && result.unshift(outAxis);
  }
  return result;
}
function assertAndGetBroadcastShape(shapeA, shapeB) {
  let l = Math.max(shapeA.length, shapeB.length), result = new Array(l);
  for (let i = 0; i < l; i++) {
    let a = shapeA[shapeA.length - i - 1];
    a == null && (a = 1);
    let b = shapeB[shapeB.length - i - 1];
    if (b == null && (b = 1), a === 1)
      result[l - i - 1] = b;
    else if (b === 1)
      result[l - i - 1] = a;
    else if (a !== b) {
      let errMsg = `Operands could not be broadcast together with shapes ${shapeA} and ${shapeB}.`;
      throw Error(errMsg);
    } else
      result[l - i - 1] = a;
  }
  return result;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/reshape.js
function reshape_(x, shape) {
  let inputs = { x: convertToTensor(x, "x", "reshape", "string_or_numeric") }, attrs = { shape };
  return ENGINE.runKernel(Reshape, inputs, attrs);
}
var reshape = /* @__PURE__ */ op({ reshape_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sum.js
function sum_(x, axis = null, keepDims = !1) {
  let $x = convertToTensor(x, "x", "sum");
  $x.dtype === "bool" && ($x = cast($x, "int32"));
  let inputs = { x: $x }, attrs = { axis, keepDims };
  return ENGINE.runKernel("Sum", inputs, attrs);
}
var sum = /* @__PURE__ */ op({ sum_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Add_grad.js
var addGradConfig = {
  kernelName: "Add",
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved, outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    return { a: () => {
      let res = dy, reduceAxes = getReductionAxes(a.shape, outShape);
      return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, a.shape);
    }, b: () => {
      let res = dy, reduceAxes = getReductionAxes(b.shape, outShape);
      return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, b.shape);
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/AddN_grad.js
var addNGradConfig = {
  kernelName: AddN,
  saveAllInputs: !0,
  gradFunc: (dy, saved) => {
    let ders = {};
    return saved.forEach((_, i) => {
      ders[i] = () => dy.clone();
    }), ders;
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/zeros_like.js
function zerosLike_(x) {
  let inputs = { x: convertToTensor(x, "x", "zerosLike") };
  return ENGINE.runKernel(ZerosLike, inputs);
}
var zerosLike = /* @__PURE__ */ op({ zerosLike_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/ArgMax_grad.js
var argMaxGradConfig = {
  kernelName: ArgMax,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => zerosLike(x) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/ArgMin_grad.js
var argMinGradConfig = {
  kernelName: ArgMin,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => zerosLike(x) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Asin_grad.js
var asinGradConfig = {
  kernelName: Asin,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => div(dy, sqrt(sub(scalar(1), square(cast(x, "float32"))))) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/add.js
function add_(a, b) {
  let $a = convertToTensor(a, "a", "add"), $b = convertToTensor(b, "b", "add");
  [$a, $b] = makeTypesMatch($a, $b);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel("Add", inputs);
}
var add2 = /* @__PURE__ */ op({ add_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Asinh_grad.js
var asinhGradConfig = {
  kernelName: Asinh,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return {
      x: () => {
        let a = sqrt(add2(scalar(1), square(cast(x, "float32"))));
        return div(dy, a);
      }
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Atan2_grad.js
var atan2GradConfig = {
  kernelName: Atan2,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved, outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    return { a: () => {
      let d = add2(square(a), square(b)), res = mul(dy, div(b, d)), reduceAxes = getReductionAxes(a.shape, outShape);
      return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, a.shape);
    }, b: () => {
      let d = add2(square(a), square(b)), res = neg(mul(dy, div(a, d))), reduceAxes = getReductionAxes(b.shape, outShape);
      return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, b.shape);
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Atan_grad.js
var atanGradConfig = {
  kernelName: Atan,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => div(dy, add2(square(cast(x, "float32")), 1)) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Atanh_grad.js
var atanhGradConfig = {
  kernelName: Atanh,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => div(dy, sub(scalar(1), square(cast(x, "float32")))) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/conv_util.js
function computeDilation2DInfo(inputShape, filterShape, strides, pad2, dataFormat = "NHWC", dilations) {
  let inputChannels = inputShape[3], $filterShape = [...filterShape, inputChannels], $dataFormat = convertConv2DDataFormat(dataFormat);
  return computeConv2DInfo(inputShape, $filterShape, strides, dilations, pad2, null, null, $dataFormat);
}
function computePool2DInfo(inShape, filterSize, strides, dilations, pad2, roundingMode, dataFormat = "channelsLast") {
  let [filterHeight, filterWidth] = parseTupleParam(filterSize), filterShape;
  if (dataFormat === "channelsLast")
    filterShape = [filterHeight, filterWidth, inShape[3], inShape[3]];
  else if (dataFormat === "channelsFirst")
    filterShape = [filterHeight, filterWidth, inShape[1], inShape[1]];
  else
    throw new Error(`Unknown dataFormat ${dataFormat}`);
  return computeConv2DInfo(inShape, filterShape, strides, dilations, pad2, roundingMode, !1, dataFormat);
}
function computePool3DInfo(inShape, filterSize, strides, dilations, pad2, roundingMode, dataFormat = "NDHWC") {
  let [filterDepth, filterHeight, filterWidth] = parse3TupleParam(filterSize), filterShape, $dataFormat;
  if (dataFormat === "NDHWC")
    $dataFormat = "channelsLast", filterShape = [filterDepth, filterHeight, filterWidth, inShape[4], inShape[4]];
  else if (dataFormat === "NCDHW")
    $dataFormat = "channelsFirst", filterShape = [filterDepth, filterHeight, filterWidth, inShape[1], inShape[1]];
  else
    throw new Error(`Unknown dataFormat ${dataFormat}`);
  return computeConv3DInfo(inShape, filterShape, strides, dilations, pad2, !1, $dataFormat, roundingMode);
}
function computeConv2DInfo(inShape, filterShape, strides, dilations, pad2, roundingMode, depthwise = !1, dataFormat = "channelsLast") {
  let [batchSize, inHeight, inWidth, inChannels] = [-1, -1, -1, -1];
  if (dataFormat === "channelsLast")
    [batchSize, inHeight, inWidth, inChannels] = inShape;
  else if (dataFormat === "channelsFirst")
    [batchSize, inChannels, inHeight, inWidth] = inShape;
  else
    throw new Error(`Unknown dataFormat ${dataFormat}`);
  let [filterHeight, filterWidth, , filterChannels] = filterShape, [strideHeight, strideWidth] = parseTupleParam(strides), [dilationHeight, dilationWidth] = parseTupleParam(dilations), effectiveFilterHeight = getEffectiveFilterSize(filterHeight, dilationHeight), effectiveFilterWidth = getEffectiveFilterSize(filterWidth, dilationWidth), { padInfo, outHeight, outWidth } = getPadAndOutInfo(pad2, inHeight, inWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth, roundingMode, dataFormat), outChannels = depthwise ? filterChannels * inChannels : filterChannels, outShape;
  return dataFormat === "channelsFirst" ? outShape = [batchSize, outChannels, outHeight, outWidth] : dataFormat === "channelsLast" && (outShape = [batchSize, outHeight, outWidth, outChannels]), {
    batchSize,
    dataFormat,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    padInfo,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
    dilationHeight,
    dilationWidth,
    inShape,
    outShape,
    filterShape
  };
}
function computeConv3DInfo(inShape, filterShape, strides, dilations, pad2, depthwise = !1, dataFormat = "channelsLast", roundingMode) {
  let [batchSize, inDepth, inHeight, inWidth, inChannels] = [-1, -1, -1, -1, -1];
  if (dataFormat === "channelsLast")
    [batchSize, inDepth, inHeight, inWidth, inChannels] = inShape;
  else if (dataFormat === "channelsFirst")
    [batchSize, inChannels, inDepth, inHeight, inWidth] = inShape;
  else
    throw new Error(`Unknown dataFormat ${dataFormat}`);
  let [filterDepth, filterHeight, filterWidth, , filterChannels] = filterShape, [strideDepth, strideHeight, strideWidth] = parse3TupleParam(strides), [dilationDepth, dilationHeight, dilationWidth] = parse3TupleParam(dilations), effectiveFilterDepth = getEffectiveFilterSize(filterDepth, dilationDepth), effectiveFilterHeight = getEffectiveFilterSize(filterHeight, dilationHeight), effectiveFilterWidth = getEffectiveFilterSize(filterWidth, dilationWidth), { padInfo, outDepth, outHeight, outWidth } = get3DPadAndOutInfo(pad2, inDepth, inHeight, inWidth, strideDepth, strideHeight, strideWidth, effectiveFilterDepth, effectiveFilterHeight, effectiveFilterWidth, roundingMode), outChannels = depthwise ? filterChannels * inChannels : filterChannels, outShape;
  return dataFormat === "channelsFirst" ? outShape = [batchSize, outChannels, outDepth, outHeight, outWidth] : dataFormat === "channelsLast" && (outShape = [batchSize, outDepth, outHeight, outWidth, outChannels]), {
    batchSize,
    dataFormat,
    inDepth,
    inHeight,
    inWidth,
    inChannels,
    outDepth,
    outHeight,
    outWidth,
    outChannels,
    padInfo,
    strideDepth,
    strideHeight,
    strideWidth,
    filterDepth,
    filterHeight,
    filterWidth,
    effectiveFilterDepth,
    effectiveFilterHeight,
    effectiveFilterWidth,
    dilationDepth,
    dilationHeight,
    dilationWidth,
    inShape,
    outShape,
    filterShape
  };
}
function computeOutputShape2D(inShape, fieldSize, stride, zeroPad, roundingMode) {
  zeroPad == null && (zeroPad = computeDefaultPad(inShape, fieldSize, stride));
  let inputRows = inShape[0], inputCols = inShape[1], outputRows = round((inputRows - fieldSize + 2 * zeroPad) / stride + 1, roundingMode), outputCols = round((inputCols - fieldSize + 2 * zeroPad) / stride + 1, roundingMode);
  return [outputRows, outputCols];
}
function computeOutputShape4D(inShape, filterShape, outChannels, strides, zeroPad, roundingMode) {
  zeroPad == null && (zeroPad = computeDefaultPad(inShape, filterShape[0], strides[0]));
  let outShape = [0, 0, 0, outChannels];
  for (let index = 0; index < 3; index++)
    inShape[index] + 2 * zeroPad >= filterShape[index] && (outShape[index] = round((inShape[index] - filterShape[index] + 2 * zeroPad) / strides[index] + 1, roundingMode));
  return outShape;
}
function computeDefaultPad(inputShape, fieldSize, stride, dilation = 1) {
  let effectiveFieldSize = getEffectiveFilterSize(fieldSize, dilation);
  return Math.floor((inputShape[0] * (stride - 1) - stride + effectiveFieldSize) / 2);
}
function parseTupleParam(param) {
  return typeof param == "number" ? [param, param, param] : param.length === 2 ? [param[0], param[1], 1] : param;
}
function parse3TupleParam(param) {
  return typeof param == "number" ? [param, param, param] : param;
}
function getEffectiveFilterSize(filterSize, dilation) {
  return dilation <= 1 ? filterSize : filterSize + (filterSize - 1) * (dilation - 1);
}
function getPadAndOutInfo(pad2, inHeight, inWidth, strideHeight, strideWidth, filterHeight, filterWidth, roundingMode, dataFormat) {
  let padInfo, outHeight, outWidth;
  if (typeof pad2 == "number") {
    padInfo = { top: pad2, bottom: pad2, left: pad2, right: pad2, type: pad2 === 0 ? "VALID" : "NUMBER" };
    let outShape = computeOutputShape2D([inHeight, inWidth], filterHeight, strideHeight, pad2, roundingMode);
    outHeight = outShape[0], outWidth = outShape[1];
  } else if (pad2 === "same") {
    outHeight = Math.ceil(inHeight / strideHeight), outWidth = Math.ceil(inWidth / strideWidth);
    let padAlongHeight = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - inHeight), padAlongWidth = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - inWidth), top = Math.floor(padAlongHeight / 2), bottom = padAlongHeight - top, left = Math.floor(padAlongWidth / 2), right = padAlongWidth - left;
    padInfo = { top, bottom, left, right, type: "SAME" };
  } else if (pad2 === "valid")
    padInfo = { top: 0, bottom: 0, left: 0, right: 0, type: "VALID" }, outHeight = Math.ceil((inHeight - filterHeight + 1) / strideHeight), outWidth = Math.ceil((inWidth - filterWidth + 1) / strideWidth);
  else if (typeof pad2 == "object") {
    let top = dataFormat === "channelsLast" ? pad2[1][0] : pad2[2][0], bottom = dataFormat === "channelsLast" ? pad2[1][1] : pad2[2][1], left = dataFormat === "channelsLast" ? pad2[2][0] : pad2[3][0], right = dataFormat === "channelsLast" ? pad2[2][1] : pad2[3][1];
    padInfo = { top, bottom, left, right, type: top === 0 && bottom === 0 && left === 0 && right === 0 ? "VALID" : "EXPLICIT" }, outHeight = round((inHeight - filterHeight + top + bottom) / strideHeight + 1, roundingMode), outWidth = round((inWidth - filterWidth + left + right) / strideWidth + 1, roundingMode);
  } else
    throw Error(`Unknown padding parameter: ${pad2}`);
  return { padInfo, outHeight, outWidth };
}
function get3DPadAndOutInfo(pad2, inDepth, inHeight, inWidth, strideDepth, strideHeight, strideWidth, filterDepth, filterHeight, filterWidth, roundingMode) {
  let padInfo, outDepth, outHeight, outWidth;
  if (pad2 === "valid" && (pad2 = 0), typeof pad2 == "number") {
    padInfo = {
      top: pad2,
      bottom: pad2,
      left: pad2,
      right: pad2,
      front: pad2,
      back: pad2,
      type: pad2 === 0 ? "VALID" : "NUMBER"
    };
    let outShape = computeOutputShape4D([inDepth, inHeight, inWidth, 1], [filterDepth, filterHeight, filterWidth], 1, [strideDepth, strideHeight, strideWidth], pad2, roundingMode);
    outDepth = outShape[0], outHeight = outShape[1], outWidth = outShape[2];
  } else if (pad2 === "same") {
    outDepth = Math.ceil(inDepth / strideDepth), outHeight = Math.ceil(inHeight / strideHeight), outWidth = Math.ceil(inWidth / strideWidth);
    let padAlongDepth = (outDepth - 1) * strideDepth + filterDepth - inDepth, padAlongHeight = (outHeight - 1) * strideHeight + filterHeight - inHeight, padAlongWidth = (outWidth - 1) * strideWidth + filterWidth - inWidth, front = Math.floor(padAlongDepth / 2), back = padAlongDepth - front, top = Math.floor(padAlongHeight / 2), bottom = padAlongHeight - top, left = Math.floor(padAlongWidth / 2), right = padAlongWidth - left;
    padInfo = { top, bottom, left, right, front, back, type: "SAME" };
  } else
    throw Error(`Unknown padding parameter: ${pad2}`);
  return { padInfo, outDepth, outHeight, outWidth };
}
function round(value, roundingMode) {
  if (!roundingMode)
    return Math.trunc(value);
  switch (roundingMode) {
    case "round":
      return Math.round(value);
    case "ceil":
      return Math.ceil(value);
    case "floor":
      return Math.floor(value);
    default:
      throw new Error(`Unknown roundingMode ${roundingMode}`);
  }
}
function tupleValuesAreOne(param) {
  let [dimA, dimB, dimC] = parseTupleParam(param);
  return dimA === 1 && dimB === 1 && dimC === 1;
}
function eitherStridesOrDilationsAreOne(strides, dilations) {
  return tupleValuesAreOne(strides) || tupleValuesAreOne(dilations);
}
function stridesOrDilationsArePositive(values) {
  return parseTupleParam(values).every((value) => value > 0);
}
function convertConv2DDataFormat(dataFormat) {
  if (dataFormat === "NHWC")
    return "channelsLast";
  if (dataFormat === "NCHW")
    return "channelsFirst";
  throw new Error(`Unknown dataFormat ${dataFormat}`);
}
function checkPadOnDimRoundingMode(opDesc, pad2, dimRoundingMode) {
  if (dimRoundingMode != null) {
    if (typeof pad2 == "string")
      throw Error(`Error in ${opDesc}: pad must be an integer when using dimRoundingMode ${dimRoundingMode} but got pad ${pad2}.`);
    if (typeof pad2 == "number")
      assert(isInt(pad2), () => `Error in ${opDesc}: pad must be an integer when using dimRoundingMode ${dimRoundingMode} but got pad ${pad2}.`);
    else if (typeof pad2 == "object")
      pad2.forEach((p) => {
        p.forEach((v) => {
          assert(isInt(v), () => `Error in ${opDesc}: pad must be an integer when using dimRoundingMode ${dimRoundingMode} but got pad ${v}.`);
        });
      });
    else
      throw Error(`Error in ${opDesc}: Unknown padding parameter: ${pad2}`);
  }
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/avg_pool_3d_grad.js
function avgPool3dGrad_(dy, input, filterSize, strides, pad2, dimRoundingMode) {
  let $dy = convertToTensor(dy, "dy", "avgPool3dGrad"), $input = convertToTensor(input, "input", "avgPool3dGrad"), dy5D = $dy, input5D = $input, reshapedTo5D = !1;
  $input.rank === 4 && (reshapedTo5D = !0, dy5D = reshape($dy, [1, $dy.shape[0], $dy.shape[1], $dy.shape[2], $dy.shape[3]]), input5D = reshape($input, [
    1,
    $input.shape[0],
    $input.shape[1],
    $input.shape[2],
    $input.shape[3]
  ])), assert(dy5D.rank === 5, () => `Error in avgPool3dGrad: dy must be rank 5 but got rank ${dy5D.rank}.`), assert(input5D.rank === 5, () => `Error in avgPool3dGrad: input must be rank 5 but got rank ${input5D.rank}.`), checkPadOnDimRoundingMode("avgPool3dGrad", pad2, dimRoundingMode);
  let inputs = { dy: dy5D, input: input5D }, attrs = { filterSize, strides, pad: pad2, dimRoundingMode }, res = ENGINE.runKernel(AvgPool3DGrad, inputs, attrs);
  return reshapedTo5D ? reshape(res, [res.shape[1], res.shape[2], res.shape[3], res.shape[4]]) : res;
}
var avgPool3dGrad = /* @__PURE__ */ op({ avgPool3dGrad_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/AvgPool3D_grad.js
var avgPool3DGradConfig = {
  kernelName: AvgPool3D,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { filterSize, strides, pad: pad2, dimRoundingMode } = attrs;
    return {
      x: () => avgPool3dGrad(dy, x, filterSize, strides, pad2, dimRoundingMode)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/avg_pool_grad.js
function avgPoolGrad_(dy, input, filterSize, strides, pad2) {
  let $dy = convertToTensor(dy, "dy", "avgPoolGrad"), $input = convertToTensor(input, "input", "avgPoolGrad");
  assert($input.rank === $dy.rank, () => `Rank of input (${$input.rank}) does not match rank of dy (${$dy.rank})`);
  let input4D = $input, dy4D = $dy, reshapedTo4D = !1;
  $input.rank === 3 && (reshapedTo4D = !0, input4D = reshape($input, [1, $input.shape[0], $input.shape[1], $input.shape[2]]), dy4D = reshape($dy, [1, $dy.shape[0], $dy.shape[1], $dy.shape[2]])), assert(dy4D.rank === 4, () => `Error in avgPoolGrad: dy must be rank 4 but got rank ${dy4D.rank}.`), assert(input4D.rank === 4, () => `Error in avgPoolGrad: input must be rank 4 but got rank ${input4D.rank}.`);
  let inputs = { dy: dy4D, input: input4D }, attrs = { filterSize, strides, pad: pad2 }, res = ENGINE.runKernel(AvgPoolGrad, inputs, attrs);
  return reshapedTo4D ? reshape(res, [res.shape[1], res.shape[2], res.shape[3]]) : res;
}
var avgPoolGrad = /* @__PURE__ */ op({ avgPoolGrad_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/AvgPool_grad.js
var avgPoolGradConfig = {
  kernelName: AvgPool,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { filterSize, strides, pad: pad2 } = attrs;
    return { x: () => avgPoolGrad(dy, x, filterSize, strides, pad2) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/mat_mul.js
function matMul_(a, b, transposeA = !1, transposeB = !1) {
  let $a = convertToTensor(a, "a", "matMul"), $b = convertToTensor(b, "b", "matMul");
  [$a, $b] = makeTypesMatch($a, $b);
  let inputs = { a: $a, b: $b }, attrs = { transposeA, transposeB };
  return ENGINE.runKernel(BatchMatMul, inputs, attrs);
}
var matMul = /* @__PURE__ */ op({ matMul_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js
var batchMatMulGradConfig = {
  kernelName: BatchMatMul,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved, attrs) => {
    let [a, b] = saved, { transposeA, transposeB } = attrs;
    return !transposeA && !transposeB ? {
      a: () => matMul(dy, b, !1, !0),
      b: () => matMul(a, dy, !0, !1)
    } : !transposeA && transposeB ? {
      a: () => matMul(dy, b, !1, !1),
      b: () => matMul(dy, a, !0, !1)
    } : transposeA && !transposeB ? {
      a: () => matMul(b, dy, !1, !0),
      b: () => matMul(a, dy, !1, !1)
    } : {
      a: () => matMul(b, dy, !0, !0),
      b: () => matMul(dy, a, !0, !0)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/space_to_batch_nd.js
function spaceToBatchND_(x, blockShape, paddings) {
  let $x = convertToTensor(x, "x", "spaceToBatchND");
  assert($x.rank >= 1 + blockShape.length, () => `input rank ${$x.rank} should be > than [blockShape] ${blockShape.length}`), assert(paddings.length === blockShape.length, () => `paddings.shape[0] ${paddings.length} must be equal to [blockShape] ${blockShape.length}`), assert($x.shape.reduce((a, b, i) => i > 0 && i <= blockShape.length ? a && (b + paddings[i - 1][0] + paddings[i - 1][1]) % blockShape[i - 1] === 0 : a, !0), () => `input spatial dimensions ${$x.shape.slice(1)} with paddings ${paddings.toString()} must be divisible by blockShapes ${blockShape.toString()}`);
  let inputs = { x: $x }, attrs = { blockShape, paddings };
  return ENGINE.runKernel(SpaceToBatchND, inputs, attrs);
}
var spaceToBatchND = /* @__PURE__ */ op({ spaceToBatchND_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/BatchToSpaceND_grad.js
var batchToSpaceNDGradConfig = {
  kernelName: BatchToSpaceND,
  gradFunc: (dy, saved, attrs) => {
    let { blockShape, crops } = attrs;
    return { x: () => spaceToBatchND(dy, blockShape, crops) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/BroadcastTo_grad.js
var broadcastToGradConfig = {
  kernelName: BroadcastTo,
  gradFunc: (dy, saved, attrs) => {
    let broadCastToAttrs = attrs, inputShape = broadCastToAttrs.inputShape, outputShape = broadCastToAttrs.shape, reps = Array.from(outputShape);
    for (let i = inputShape.length - 1; i >= 0; i--)
      if (inputShape[i] === outputShape[i])
        reps[i] = 1;
      else if (inputShape[i] !== 1)
        throw new Error(`broadcastTo(): [${inputShape}] cannot be broadcast to [${outputShape}].`);
    let axes = [];
    for (let i = 0; i < reps.length; i++)
      reps[i] > 1 && axes.push(i);
    return { x: () => sum(
      dy,
      axes,
      !0
      /* keepDims */
    ) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Cast_grad.js
var castGradConfig = {
  kernelName: Cast,
  gradFunc: (dy) => ({ x: () => dy.clone() })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Ceil_grad.js
var ceilGradConfig = {
  kernelName: Ceil,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/greater_equal.js
function greaterEqual_(a, b) {
  let $a = convertToTensor(a, "a", "greaterEqual", "string_or_numeric"), $b = convertToTensor(b, "b", "greaterEqual", "string_or_numeric");
  [$a, $b] = makeTypesMatch($a, $b), assertAndGetBroadcastShape($a.shape, $b.shape);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(GreaterEqual, inputs);
}
var greaterEqual = /* @__PURE__ */ op({ greaterEqual_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/less_equal.js
function lessEqual_(a, b) {
  let $a = convertToTensor(a, "a", "lessEqual", "string_or_numeric"), $b = convertToTensor(b, "b", "lessEqual", "string_or_numeric");
  [$a, $b] = makeTypesMatch($a, $b), assertAndGetBroadcastShape($a.shape, $b.shape);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(LessEqual, inputs);
}
var lessEqual = /* @__PURE__ */ op({ lessEqual_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/logical_and.js
function logicalAnd_(a, b) {
  let $a = convertToTensor(a, "a", "logicalAnd", "bool"), $b = convertToTensor(b, "b", "logicalAnd", "bool");
  assertAndGetBroadcastShape($a.shape, $b.shape);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(LogicalAnd, inputs);
}
var logicalAnd = /* @__PURE__ */ op({ logicalAnd_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/clone.js
function clone_(x) {
  let inputs = { x: convertToTensor(x, "x", "clone", "string_or_numeric") };
  return ENGINE.runKernel(Identity, inputs);
}
var clone = /* @__PURE__ */ op({ clone_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/broadcast_to.js
function broadcastTo_(x, shape) {
  let input = convertToTensor(x, "broadcastTo", "x"), xShape = input.shape;
  if (assertNonNegativeIntegerDimensions(shape), shape.length < input.rank)
    throw new Error(`broadcastTo(): shape.length=${shape.length} < input.rank=${input.rank}.`);
  if (shape.length > input.rank) {
    let newShape = input.shape.slice();
    for (; newShape.length < shape.length; )
      newShape.unshift(1);
    input = reshape(input, newShape);
  }
  let inputShape = input.shape, reps = Array.from(shape);
  for (let i = shape.length - 1; i >= 0; i--)
    if (inputShape[i] === shape[i])
      reps[i] = 1;
    else if (input.shape[i] !== 1)
      throw new Error(`broadcastTo(): [${xShape}] cannot be broadcast to [${shape}].`);
  if (reps.map((n, i) => n > 1 ? i : -1).filter((i) => i >= 0).length === 0)
    return clone(input);
  let inputs = { x: input }, attrs = { reps };
  return ENGINE.runKernel(Tile, inputs, attrs);
}
var broadcastTo = /* @__PURE__ */ op({ broadcastTo_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/where.js
function where_(condition, a, b) {
  let $a = convertToTensor(a, "a", "where"), $b = convertToTensor(b, "b", "where"), $condition = convertToTensor(condition, "condition", "where", "bool"), broadcastShape = assertAndGetBroadcastShape(assertAndGetBroadcastShape($condition.shape, $a.shape), $b.shape), $broadcastedCondition = broadcastTo($condition, broadcastShape), $broadcastedA = broadcastTo($a, broadcastShape), $broadcastedB = broadcastTo($b, broadcastShape), inputs = {
    condition: $broadcastedCondition,
    t: $broadcastedA,
    e: $broadcastedB
  };
  return ENGINE.runKernel(Select, inputs);
}
var where = /* @__PURE__ */ op({ where_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/ClipByValue_grad.js
var clipByValueGradConfig = {
  kernelName: ClipByValue,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { clipValueMin, clipValueMax } = attrs;
    return {
      x: () => where(logicalAnd(greaterEqual(x, clipValueMin), lessEqual(x, clipValueMax)), dy, zerosLike(dy))
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/ComplexAbs_grad.js
var complexAbsGradConfig = {
  kernelName: ComplexAbs,
  inputsToSave: ["x"],
  gradFunc: absGradConfig.gradFunc
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/split.js
function split_(x, numOrSizeSplits, axis = 0) {
  let inputs = { x: convertToTensor(x, "x", "split") }, attr = { numOrSizeSplits, axis };
  return ENGINE.runKernel(SplitV, inputs, attr);
}
var split = /* @__PURE__ */ op({ split_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Concat_grad.js
var concatGradConfig = {
  kernelName: Concat,
  saveAllInputs: !0,
  gradFunc: (dy, saved, attrs) => {
    let shapes = saved.map((t) => t.shape), { axis } = attrs, $axis = parseAxisParam(axis, saved[0].shape)[0], sizeSplits = shapes.map((s) => s[$axis]);
    return split(dy, sizeSplits, $axis).map((t) => () => t);
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/conv2d_backprop_filter.js
function conv2DBackpropFilter_(x, dy, filterShape, strides, pad2, dataFormat = "NHWC", dimRoundingMode) {
  let x4D = x;
  x.rank === 3 && (x4D = reshape(x, [1, x.shape[0], x.shape[1], x.shape[2]]));
  let dy4D = dy;
  dy4D.rank === 3 && (dy4D = reshape(dy, [1, dy.shape[0], dy.shape[1], dy.shape[2]])), assert(x4D.rank === 4, () => `Error in conv2dDerFilter: input must be rank 4, but got shape ${x4D.shape}.`), assert(dy4D.rank === 4, () => `Error in conv2dDerFilter: dy must be rank 4, but got shape ${dy4D.shape}.`), assert(filterShape.length === 4, () => `Error in conv2dDerFilter: filterShape must be length 4, but got ${filterShape}.`);
  let inDepth = dataFormat === "NHWC" ? x4D.shape[3] : x4D.shape[1], outDepth = dataFormat === "NHWC" ? dy4D.shape[3] : dy4D.shape[1];
  assert(inDepth === filterShape[2], () => `Error in conv2dDerFilter: depth of input ${inDepth}) must match input depth in filter (${filterShape[2]}.`), assert(outDepth === filterShape[3], () => `Error in conv2dDerFilter: depth of dy (${outDepth}) must match output depth for filter (${filterShape[3]}).`), checkPadOnDimRoundingMode("conv2dDerFilter", pad2, dimRoundingMode);
  let inputs = { x: x4D, dy: dy4D }, attrs = { strides, pad: pad2, dataFormat, dimRoundingMode, filterShape };
  return ENGINE.runKernel(Conv2DBackpropFilter, inputs, attrs);
}
var conv2DBackpropFilter = /* @__PURE__ */ op({ conv2DBackpropFilter_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/conv2d_backprop_input.js
function conv2DBackpropInput_(xShape, dy, filter, strides, pad2, dataFormat = "NHWC", dimRoundingMode) {
  assert(xShape.length === dy.rank, () => `Length of inShape (${xShape.length}) and rank of dy (${dy.rank}) must match`);
  let xShape4D = xShape, dy4D = dy, reshapedTo4D = !1;
  dy.rank === 3 && (reshapedTo4D = !0, dy4D = reshape(dy, [1, dy.shape[0], dy.shape[1], dy.shape[2]]), xShape4D = [1, xShape[0], xShape[1], xShape[2]]), assert(xShape4D.length === 4, () => `Error in conv2dDerInput: inShape must be length 4, but got length ${xShape4D.length}.`), assert(dy4D.rank === 4, () => `Error in conv2dDerInput: dy must be rank 4, but got rank ${dy4D.rank}`), assert(filter.rank === 4, () => `Error in conv2dDerInput: filter must be rank 4, but got rank ${filter.rank}`);
  let inDepth = dataFormat === "NHWC" ? xShape4D[3] : xShape4D[1], outDepth = dataFormat === "NHWC" ? dy4D.shape[3] : dy4D.shape[1];
  assert(inDepth === filter.shape[2], () => `Error in conv2dDerInput: depth of input (${inDepth}) must match input depth for filter ${filter.shape[2]}.`), assert(outDepth === filter.shape[3], () => `Error in conv2dDerInput: depth of output (${outDepth}) must match output depth for filter ${filter.shape[3]}.`), checkPadOnDimRoundingMode("conv2dDerInput", pad2, dimRoundingMode);
  let inputs = { dy: dy4D, filter }, attrs = { strides, pad: pad2, dataFormat, dimRoundingMode, inputShape: xShape4D }, res = ENGINE.runKernel(Conv2DBackpropInput, inputs, attrs);
  return reshapedTo4D ? reshape(res, [res.shape[1], res.shape[2], res.shape[3]]) : res;
}
var conv2DBackpropInput = /* @__PURE__ */ op({ conv2DBackpropInput_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Conv2D_grad.js
var conv2DGradConfig = {
  kernelName: Conv2D,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy, saved, attrs) => {
    let [x4D, $filter] = saved, { dilations, strides, pad: pad2, dataFormat } = attrs;
    return assert(tupleValuesAreOne(dilations), () => `Error in gradient of conv2D: dilation rates greater than 1 are not yet supported in gradients. Got dilations '${dilations}'`), {
      x: () => conv2DBackpropInput(x4D.shape, dy, $filter, strides, pad2, dataFormat),
      filter: () => conv2DBackpropFilter(x4D, dy, $filter.shape, strides, pad2, dataFormat)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/conv2d.js
function conv2d_(x, filter, strides, pad2, dataFormat = "NHWC", dilations = [1, 1], dimRoundingMode) {
  let $x = convertToTensor(x, "x", "conv2d", "float32"), $filter = convertToTensor(filter, "filter", "conv2d", "float32"), x4D = $x, reshapedTo4D = !1;
  $x.rank === 3 && (reshapedTo4D = !0, x4D = reshape($x, [1, $x.shape[0], $x.shape[1], $x.shape[2]])), assert(x4D.rank === 4, () => `Error in conv2d: input must be rank 4, but got rank ${x4D.rank}.`), assert($filter.rank === 4, () => `Error in conv2d: filter must be rank 4, but got rank ${$filter.rank}.`), checkPadOnDimRoundingMode("conv2d", pad2, dimRoundingMode);
  let inDepth = dataFormat === "NHWC" ? x4D.shape[3] : x4D.shape[1];
  assert(inDepth === $filter.shape[2], () => `Error in conv2d: depth of input (${inDepth}) must match input depth for filter ${$filter.shape[2]}.`), assert(eitherStridesOrDilationsAreOne(strides, dilations), () => `Error in conv2D: Either strides or dilations must be 1. Got strides ${strides} and dilations '${dilations}'`), assert(stridesOrDilationsArePositive(dilations), () => "Error in conv2D: Dilated rates should be larger than 0."), assert(stridesOrDilationsArePositive(strides), () => "Error in conv2D: Strides should be larger than 0.");
  let inputs = { x: x4D, filter: $filter }, attrs = { strides, pad: pad2, dataFormat, dilations, dimRoundingMode }, res = ENGINE.runKernel(Conv2D, inputs, attrs);
  return reshapedTo4D ? reshape(res, [res.shape[1], res.shape[2], res.shape[3]]) : res;
}
var conv2d = /* @__PURE__ */ op({ conv2d_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Conv2DBackpropInput_grad.js
var conv2DBackpropInputGradConfig = {
  kernelName: Conv2DBackpropInput,
  inputsToSave: ["dy", "filter"],
  gradFunc: (ddx, saved, attrs) => {
    let [dy, filter] = saved, { strides, pad: pad2, dataFormat, dimRoundingMode } = attrs;
    return {
      dy: () => conv2d(ddx, filter, strides, pad2, dataFormat, 1, dimRoundingMode),
      filter: () => conv2DBackpropFilter(ddx, dy, filter.shape, strides, pad2, dataFormat, dimRoundingMode)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/conv3d_backprop_filter.js
function conv3DBackpropFilter_(x, dy, filterShape, strides, pad2) {
  let x5D = x;
  x.rank === 4 && (x5D = reshape(x, [1, x.shape[0], x.shape[1], x.shape[2], x.shape[3]]));
  let dy5D = dy;
  dy5D.rank === 4 && (dy5D = reshape(dy, [1, dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3]])), assert(x5D.rank === 5, () => `Error in conv3dDerFilter: input must be rank 5, but got shape ${x5D.shape}.`), assert(dy5D.rank === 5, () => `Error in conv3dDerFilter: dy must be rank 5, but got shape ${dy5D.shape}.`), assert(filterShape.length === 5, () => `Error in conv3dDerFilter: filterShape must be length 5, but got ${filterShape}.`), assert(x5D.shape[4] === filterShape[3], () => `Error in conv3dDerFilter: depth of input ${x5D.shape[4]}) must match input depth in filter (${filterShape[3]}.`), assert(dy5D.shape[4] === filterShape[4], () => `Error in conv3dDerFilter: depth of dy (${dy5D.shape[4]}) must match output depth for filter (${filterShape[4]}).`);
  let inputs = { x: x5D, dy: dy5D }, attrs = { strides, pad: pad2, filterShape };
  return ENGINE.runKernel(Conv3DBackpropFilterV2, inputs, attrs);
}
var conv3DBackpropFilter = /* @__PURE__ */ op({ conv3DBackpropFilter_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/conv3d_backprop_input.js
function conv3DBackpropInput_(xShape, dy, filter, strides, pad2) {
  assert(xShape.length === dy.rank, () => `Length of inShape (${xShape.length}) and rank of dy (${dy.rank}) must match`);
  let xShape5D = xShape, dy5D = dy, reshapedTo5D = !1;
  dy.rank === 4 && (reshapedTo5D = !0, dy5D = reshape(dy, [1, dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3]]), xShape5D = [1, xShape[0], xShape[1], xShape[2], xShape[3]]);
  let inDepth = xShape5D[4], outDepth = dy5D.shape[4];
  assert(xShape5D.length === 5, () => `Error in conv3dDerInput: inShape must be length 5, but got length ${xShape5D.length}.`), assert(dy5D.rank === 5, () => `Error in conv3dDerInput: dy must be rank 5, but got rank ${dy5D.rank}`), assert(filter.rank === 5, () => `Error in conv3dDerInput: filter must be rank 5, but got rank ${filter.rank}`), assert(inDepth === filter.shape[3], () => `Error in conv3dDerInput: depth of input (${inDepth}) must match input depth for filter ${filter.shape[3]}.`), assert(outDepth === filter.shape[4], () => `Error in conv3dDerInput: depth of output (${outDepth}) must match output depth for filter ${filter.shape[4]}.`);
  let inputs = { dy: dy5D, filter }, attrs = { pad: pad2, strides, inputShape: xShape5D }, res = ENGINE.runKernel(Conv3DBackpropInputV2, inputs, attrs);
  return reshapedTo5D ? reshape(res, [res.shape[1], res.shape[2], res.shape[3], res.shape[4]]) : res;
}
var conv3DBackpropInput = /* @__PURE__ */ op({ conv3DBackpropInput_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Conv3D_grad.js
var conv3DGradConfig = {
  kernelName: Conv3D,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy, saved, attrs) => {
    let { dilations, strides, pad: pad2 } = attrs;
    assert(tupleValuesAreOne(dilations), () => `Error in gradient of conv3D: dilation rates greater than 1 are not yet supported in gradients. Got dilations '${dilations}'`);
    let [x5D, $filter] = saved;
    return {
      x: () => conv3DBackpropInput(x5D.shape, dy, $filter, strides, pad2),
      filter: () => conv3DBackpropFilter(x5D, dy, $filter.shape, strides, pad2)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sin.js
function sin_(x) {
  let inputs = { x: convertToTensor(x, "x", "sin", "float32") };
  return ENGINE.runKernel("Sin", inputs);
}
var sin = /* @__PURE__ */ op({ sin_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Cos_grad.js
var cosGradConfig = {
  kernelName: "Cos",
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(neg(sin(cast(x, "float32"))), dy) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sinh.js
function sinh_(x) {
  let inputs = { x: convertToTensor(x, "x", "sinh") };
  return ENGINE.runKernel(Sinh, inputs);
}
var sinh = /* @__PURE__ */ op({ sinh_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Cosh_grad.js
var coshGradConfig = {
  kernelName: Cosh,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(sinh(cast(x, "float32")), dy) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/axis_util.js
function axesAreInnerMostDims(axes, rank) {
  for (let i = 0; i < axes.length; ++i)
    if (axes[axes.length - i - 1] !== rank - 1 - i)
      return !1;
  return !0;
}
function combineLocations(outputLoc, reduceLoc, axes) {
  let rank = outputLoc.length + reduceLoc.length, loc = [], outIdx = 0, reduceIdx = 0;
  for (let dim = 0; dim < rank; dim++)
    axes.indexOf(dim) === -1 ? loc.push(outputLoc[outIdx++]) : loc.push(reduceLoc[reduceIdx++]);
  return loc;
}
function computeOutAndReduceShapes(aShape, axes) {
  let outShape = [], rank = aShape.length;
  for (let dim = 0; dim < rank; dim++)
    axes.indexOf(dim) === -1 && outShape.push(aShape[dim]);
  let reduceShape = axes.map((dim) => aShape[dim]);
  return [outShape, reduceShape];
}
function expandShapeToKeepDim(shape, axes) {
  let reduceSubShape = axes.map((x) => 1);
  return combineLocations(shape, reduceSubShape, axes);
}
function assertAxesAreInnerMostDims(msg, axes, rank) {
  assert(axesAreInnerMostDims(axes, rank), () => `${msg} supports only inner-most axes for now. Got axes ${axes} and rank-${rank} input.`);
}
function getAxesPermutation(axes, rank) {
  if (axesAreInnerMostDims(axes, rank))
    return null;
  let result = [];
  for (let i = 0; i < rank; ++i)
    axes.indexOf(i) === -1 && result.push(i);
  return axes.forEach((axis) => result.push(axis)), result;
}
function getUndoAxesPermutation(axes) {
  return axes.map((axis, i) => [i, axis]).sort((a, b) => a[1] - b[1]).map((x) => x[0]);
}
function getInnerMostAxes(numAxes, rank) {
  let res = [];
  for (let i = rank - numAxes; i < rank; ++i)
    res.push(i);
  return res;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/cumsum.js
function cumsum_(x, axis = 0, exclusive = !1, reverse2 = !1) {
  let inputs = { x: convertToTensor(x, "x", "cumsum") }, attrs = { axis, exclusive, reverse: reverse2 };
  return ENGINE.runKernel(Cumsum, inputs, attrs);
}
var cumsum = /* @__PURE__ */ op({ cumsum_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/globals.js
function deprecationWarn(msg) {
  env().getBool("DEPRECATION_WARNINGS_ENABLED") && console.warn(msg + " You can disable deprecation warnings with tf.disableDeprecationWarnings().");
}
setDeprecationWarningFn(deprecationWarn);
function tidy(nameOrFn, fn) {
  return ENGINE.tidy(nameOrFn, fn);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/complex.js
function complex_(real2, imag2) {
  let $real = convertToTensor(real2, "real", "complex"), $imag = convertToTensor(imag2, "imag", "complex");
  assertShapesMatch($real.shape, $imag.shape, `real and imag shapes, ${$real.shape} and ${$imag.shape}, must match in call to tf.complex().`);
  let inputs = { real: $real, imag: $imag };
  return ENGINE.runKernel(Complex, inputs);
}
var complex = /* @__PURE__ */ op({ complex_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/imag.js
function imag_(input) {
  let inputs = { input: convertToTensor(input, "input", "imag") };
  return ENGINE.runKernel(Imag, inputs);
}
var imag = /* @__PURE__ */ op({ imag_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/real.js
function real_(input) {
  let inputs = { input: convertToTensor(input, "input", "real") };
  return ENGINE.runKernel(Real, inputs);
}
var real = /* @__PURE__ */ op({ real_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/transpose.js
function transpose_(x, perm, conjugate) {
  let $x = convertToTensor(x, "x", "transpose");
  if (perm == null && (perm = $x.shape.map((s, i) => i).reverse()), assert($x.rank === perm.length, () => `Error in transpose: rank of input ${$x.rank} must match length of perm ${perm}.`), perm.forEach((axis) => {
    assert(axis >= 0 && axis < $x.rank, () => `All entries in 'perm' must be between 0 and ${$x.rank - 1} but got ${perm}`);
  }), $x.rank <= 1)
    return $x.clone();
  let inputs = { x: $x }, attrs = { perm };
  return $x.dtype === "complex64" ? tidy(() => {
    let $real = real($x), $imag = imag($x);
    return $real = ENGINE.runKernel(Transpose, { x: $real }, attrs), $imag = ENGINE.runKernel(Transpose, { x: $imag }, attrs), conjugate && ($imag = neg($imag)), complex($real, $imag);
  }) : ENGINE.runKernel(Transpose, inputs, attrs);
}
var transpose = /* @__PURE__ */ op({ transpose_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Cumsum_grad.js
var cumsumGradConfig = {
  kernelName: Cumsum,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { axis, exclusive, reverse: reverse2 } = attrs;
    return {
      x: () => {
        let permutation = getAxesPermutation([axis], x.rank), out = cumsum(dy, axis, exclusive, !reverse2);
        return permutation != null && (out = transpose(out, permutation)), out;
      }
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/depthwise_conv2d_native_backprop_filter.js
function depthwiseConv2dNativeBackpropFilter_(x, dy, filterShape, strides, pad2, dilations = [1, 1], dimRoundingMode) {
  let x4D = x;
  x.rank === 3 && (x4D = reshape(x, [1, x.shape[0], x.shape[1], x.shape[2]]));
  let dy4D = dy;
  dy4D.rank === 3 && (dy4D = reshape(dy, [1, dy.shape[0], dy.shape[1], dy.shape[2]]));
  let inputs = { x: x4D, dy: dy4D }, attrs = { strides, pad: pad2, dimRoundingMode, dilations, filterShape };
  return ENGINE.runKernel(DepthwiseConv2dNativeBackpropFilter, inputs, attrs);
}
var depthwiseConv2dNativeBackpropFilter = op({ depthwiseConv2dNativeBackpropFilter_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/depthwise_conv2d_native_backprop_input.js
function depthwiseConv2dNativeBackpropInput_(xShape, dy, filter, strides, pad2, dilations = [1, 1], dimRoundingMode) {
  let dy4D = dy, reshapedTo4D = !1;
  dy.rank === 3 && (reshapedTo4D = !0, dy4D = reshape(dy, [1, dy.shape[0], dy.shape[1], dy.shape[2]]));
  let inputs = { dy: dy4D, filter }, attrs = { strides, pad: pad2, dimRoundingMode, dilations, inputShape: xShape }, res = (
    // tslint:disable-next-line: no-unnecessary-type-assertion
    ENGINE.runKernel(DepthwiseConv2dNativeBackpropInput, inputs, attrs)
  );
  return reshapedTo4D ? reshape(res, [res.shape[1], res.shape[2], res.shape[3]]) : res;
}
var depthwiseConv2dNativeBackpropInput = op({ depthwiseConv2dNativeBackpropInput_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/DepthwiseConv2dNative_grad.js
var depthwiseConv2dNativeGradConfig = {
  kernelName: DepthwiseConv2dNative,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy, saved, attrs) => {
    let { dilations, strides, pad: pad2, dimRoundingMode } = attrs, $dilations = dilations ?? [1, 1];
    assert(tupleValuesAreOne($dilations), () => `Error in gradient of depthwiseConv2dNative: dilation rates greater than 1 are not yet supported. Got dilations '${$dilations}'`);
    let [x, filter] = saved;
    return assert(x.rank === 4, () => `Error in gradient of depthwiseConv2dNative: input must be rank 4, but got rank ${x.rank}.`), assert(filter.rank === 4, () => `Error in gradient of depthwiseConv2dNative: filter must be rank 4, but got rank ${filter.rank}.`), assert(x.shape[3] === filter.shape[2], () => `Error in gradient of depthwiseConv2d: number of input channels (${x.shape[3]}) must match the inChannels dimension in filter ${filter.shape[2]}.`), assert(eitherStridesOrDilationsAreOne(strides, $dilations), () => `Error in gradient of depthwiseConv2d: Either strides or dilations must be  1. Got strides ${strides} and dilations '${$dilations}'.`), checkPadOnDimRoundingMode("depthwiseConv2d", pad2, dimRoundingMode), {
      x: () => depthwiseConv2dNativeBackpropInput(x.shape, dy, filter, strides, pad2, $dilations, dimRoundingMode),
      filter: () => depthwiseConv2dNativeBackpropFilter(x, dy, filter.shape, strides, pad2, $dilations, dimRoundingMode)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Dilation2D_grad.js
var dilation2dGradConfig = {
  kernelName: Dilation2D,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy, saved, attrs) => {
    let [x, filter] = saved, inputInputs = { x, filter, dy }, filterInputs = { x, filter, dy };
    return {
      x: () => ENGINE.runKernel(Dilation2DBackpropInput, inputInputs, attrs),
      filter: () => ENGINE.runKernel(Dilation2DBackpropFilter, filterInputs, attrs)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Elu_grad.js
var eluGradConfig = {
  kernelName: "Elu",
  outputsToSave: [!0],
  gradFunc: (dy, saved) => {
    let [y] = saved, inputs = { dy, y };
    return { x: () => ENGINE.runKernel(EluGrad, inputs) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/exp.js
function exp_(x) {
  let inputs = { x: convertToTensor(x, "x", "exp") };
  return ENGINE.runKernel("Exp", inputs);
}
var exp = /* @__PURE__ */ op({ exp_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Erf_grad.js
var erfGradConfig = {
  kernelName: "Erf",
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved, a = mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI));
    return { x: () => mul(dy, a) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Exp_grad.js
var expGradConfig = {
  kernelName: "Exp",
  outputsToSave: [!0],
  gradFunc: (dy, saved) => {
    let [y] = saved;
    return { x: () => mul(dy, y) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/ExpandDims_grad.js
var expandDimsGradConfig = {
  kernelName: ExpandDims,
  inputsToSave: ["input"],
  gradFunc: (dy, saved) => {
    let [input] = saved;
    return { input: () => reshape(dy, input.shape) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Expm1_grad.js
var expm1GradConfig = {
  kernelName: Expm1,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(dy, exp(x)) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Floor_grad.js
var floorGradConfig = {
  kernelName: Floor,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/FloorDiv_grad.js
var floorDivGradConfig = {
  kernelName: FloorDiv,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved, outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    return { a: () => {
      let res = div(dy, cast(b, "float32")), reduceAxes = getReductionAxes(a.shape, outShape);
      return reduceAxes.length > 0 ? reshape(sum(res, reduceAxes), a.shape) : res;
    }, b: () => {
      let res = mul(dy, cast(a, "float32")), reduceAxes = getReductionAxes(b.shape, outShape);
      reduceAxes.length > 0 && (res = reshape(sum(res, reduceAxes), b.shape));
      let tmp = square(b);
      return neg(div(res, cast(tmp, "float32")));
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/rsqrt.js
function rsqrt_(x) {
  let inputs = { x: convertToTensor(x, "x", "rsqrt", "float32") };
  return ENGINE.runKernel(Rsqrt, inputs);
}
var rsqrt = /* @__PURE__ */ op({ rsqrt_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/tile.js
function tile_(x, reps) {
  let $x = convertToTensor(x, "x", "tile", "string_or_numeric");
  assert($x.rank === reps.length, () => `Error in transpose: rank of input ${$x.rank} must match length of reps ${reps}.`);
  let inputs = { x: $x }, attrs = { reps };
  return ENGINE.runKernel(Tile, inputs, attrs);
}
var tile = /* @__PURE__ */ op({ tile_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/FusedBatchNorm_grad.js
var fusedBatchNormGradConfig = {
  kernelName: FusedBatchNorm,
  inputsToSave: ["x", "mean", "variance", "scale"],
  gradFunc: (dy, saved, attrs) => {
    let { varianceEpsilon } = attrs, [x, mean, variance, scale] = saved, scaleValue = scale ?? scalar(1), reductionAxes = getReductionAxes(mean.shape, x.shape), tileShape = [];
    if (mean.rank === 1) {
      for (let i = 0; i < x.shape.length - 1; ++i)
        tileShape.push(x.shape[i]);
      tileShape.push(1);
    }
    let xMinusMean = sub(x, mean), dyTimesScaleValue = mul(dy, scaleValue), oneOverSqrtVariance = rsqrt(add2(variance, scalar(varianceEpsilon))), minusHalfRCube = mul(mul(mul(oneOverSqrtVariance, oneOverSqrtVariance), oneOverSqrtVariance), scalar(-0.5));
    return {
      x: () => mean.rank === 1 ? reshape(mul(mul(dy, tile(reshape(oneOverSqrtVariance, [1, 1, 1, mean.shape[0]]), tileShape)), scaleValue), x.shape) : reshape(mul(mul(dy, oneOverSqrtVariance), scaleValue), x.shape),
      mean: () => {
        let meanDer = mul(mul(oneOverSqrtVariance, scalar(-1)), dyTimesScaleValue);
        return mean.rank === 1 && (meanDer = sum(meanDer, reductionAxes)), reshape(meanDer, mean.shape);
      },
      variance: () => {
        let varianceDer = mul(mul(minusHalfRCube, xMinusMean), dyTimesScaleValue);
        return mean.rank === 1 && (varianceDer = sum(varianceDer, reductionAxes)), reshape(varianceDer, mean.shape);
      },
      scale: () => {
        let xMinusMean2TimesRsqrt = mul(xMinusMean, oneOverSqrtVariance), scaleDer = mul(dy, xMinusMean2TimesRsqrt);
        return mean.rank === 1 && (scaleDer = sum(scaleDer, reductionAxes)), reshape(scaleDer, mean.shape);
      },
      offset: () => {
        let offsetDer = dy;
        return mean.rank === 1 && (offsetDer = sum(offsetDer, reductionAxes)), reshape(offsetDer, mean.shape);
      }
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/stack.js
function stack_(tensors, axis = 0) {
  let $tensors = convertToTensorArray(tensors, "tensors", "stack", "string_or_numeric");
  assert($tensors.length >= 1, () => "Pass at least one tensor to tf.stack"), $tensors.length > 0 && assert(axis <= $tensors[0].rank, () => "Axis must be <= rank of the tensor");
  let inputs = $tensors, attrs = { axis };
  return ENGINE.runKernel(Pack, inputs, attrs);
}
var stack = /* @__PURE__ */ op({ stack_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/unsorted_segment_sum.js
function unsortedSegmentSum_(x, segmentIds, numSegments) {
  let $x = convertToTensor(x, "x", "unsortedSegmentSum"), $segmentIds = convertToTensor(segmentIds, "segmentIds", "unsortedSegmentSum", "int32");
  assert(isInt(numSegments), () => "numSegments must be of dtype int");
  let inputs = { x: $x, segmentIds: $segmentIds }, attrs = { numSegments };
  return ENGINE.runKernel(UnsortedSegmentSum, inputs, attrs);
}
var unsortedSegmentSum = /* @__PURE__ */ op({ unsortedSegmentSum_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/GatherV2_grad.js
var gatherGradConfig = {
  kernelName: GatherV2,
  inputsToSave: ["x", "indices"],
  gradFunc: (dy, saved, attrs) => {
    let [x, indices] = saved, { axis, batchDims } = attrs, parsedAxis = parseAxisParam(axis, x.shape)[0], derXBatch = (x2, indices2, dy2) => () => {
      let paramsShape = x2.shape, indicesSize = indices2.size, outerShape = paramsShape.slice(0, parsedAxis), outerDims = outerShape.length, innerShape = paramsShape.slice(axis, paramsShape.length).slice(1), innerDims = innerShape.length, outerAxesIndices = arrayRange(0, outerDims), innerAxesIndices = arrayRange(outerDims + 1, outerDims + 1 + innerDims), valuesShape = arrayConcat([
        outerShape,
        [indicesSize],
        innerShape
      ]), values = reshape(dy2, valuesShape), reshapedIndices = reshape(indices2, [indicesSize]), transposeDims = arrayConcat([[outerDims], outerAxesIndices, innerAxesIndices]), valuesTranspose = transpose(values, transposeDims), paramsGrad = unsortedSegmentSum(valuesTranspose, reshapedIndices, x2.shape[parsedAxis]), invertTransposeDims = getUndoAxesPermutation(transposeDims);
      return paramsGrad = transpose(paramsGrad, invertTransposeDims), paramsGrad;
    };
    if (batchDims === 1) {
      let batchSize = x.shape[0], xBatch = x.split(batchSize, 0);
      return { x: () => stack(xBatch.map((x2, i) => derXBatch(x2, indices.slice(i, 1), dy.slice(i, 1))())).reshape(x.shape), indices: () => indices };
    } else
      return { x: derXBatch(x, indices, dy), indices: () => indices };
  }
};
function arrayRange(start, stop) {
  let result = [];
  for (let i = start; i < stop; ++i)
    result.push(i);
  return result;
}
function arrayConcat(arrays) {
  let result = [];
  for (let i = 0; i < arrays.length; ++i)
    for (let j = 0; j < arrays[i].length; ++j)
      result.push(arrays[i][j]);
  return result;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/GreaterEqual_grad.js
var greaterEqualGradConfig = {
  kernelName: GreaterEqual,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved;
    return { a: () => zerosLike(a), b: () => zerosLike(b) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Identity_grad.js
var identityGradConfig = {
  kernelName: Identity,
  gradFunc: (dy) => ({ x: () => cast(dy, "float32") })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/IsFinite_grad.js
var isFiniteGradConfig = {
  kernelName: IsFinite,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/IsInf_grad.js
var isInfGradConfig = {
  kernelName: IsInf,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/IsNan_grad.js
var isNanGradConfig = {
  kernelName: IsNan,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/greater.js
function greater_(a, b) {
  let $a = convertToTensor(a, "a", "greater", "string_or_numeric"), $b = convertToTensor(b, "b", "greater", "string_or_numeric");
  [$a, $b] = makeTypesMatch($a, $b), assertAndGetBroadcastShape($a.shape, $b.shape);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(Greater, inputs);
}
var greater = /* @__PURE__ */ op({ greater_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/LeakyRelu_grad.js
var leakyReluGradConfig = {
  kernelName: LeakyRelu,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { alpha } = attrs, mask = greater(x, 0);
    return { x: () => where(mask, dy, mul(dy, alpha)) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Log1p_grad.js
var log1pGradConfig = {
  kernelName: Log1p,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => div(dy, add2(x, 1)) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Log_grad.js
var logGradConfig = {
  kernelName: "Log",
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => div(dy, cast(x, "float32")) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/LogSoftmax_grad.js
var logSoftmaxGradConfig = {
  kernelName: LogSoftmax,
  inputsToSave: [],
  outputsToSave: [!0],
  gradFunc: (dy, saved, attrs) => {
    let [value] = saved, { axis } = attrs;
    return {
      logits: () => {
        let softmax = exp(value);
        return sub(dy, mul(sum(dy, axis, !0), softmax));
      }
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/local_response_normalization_backprop.js
function localResponseNormalizationBackprop_(x, y, dy, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5) {
  let inputs = { x, y, dy }, attrs = { depthRadius, bias, alpha, beta };
  return ENGINE.runKernel(LRNGrad, inputs, attrs);
}
var localResponseNormalizationBackprop = op({ localResponseNormalizationBackprop_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/LRN_grad.js
var lrnGradConfig = {
  kernelName: "LRN",
  inputsToSave: ["x"],
  outputsToSave: [!0],
  gradFunc: (dy, saved, attrs) => {
    let [x, y] = saved, { depthRadius, bias, alpha, beta } = attrs;
    return {
      x: () => localResponseNormalizationBackprop(x, y, dy, depthRadius, bias, alpha, beta)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/equal.js
function equal_(a, b) {
  let $a = convertToTensor(a, "a", "equal", "string_or_numeric"), $b = convertToTensor(b, "b", "equal", "string_or_numeric");
  [$a, $b] = makeTypesMatch($a, $b), assertAndGetBroadcastShape($a.shape, $b.shape);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(Equal, inputs);
}
var equal = /* @__PURE__ */ op({ equal_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/min_max_grad_util.js
function gradForMinAndMax(dy, y, xOrig, origAxes) {
  return y.rank < xOrig.rank && (y = reshape(y, expandShapeToKeepDim(y.shape, origAxes))), dy.rank < xOrig.rank && (dy = reshape(dy, expandShapeToKeepDim(dy.shape, origAxes))), {
    x: () => mul(dy, cast(equal(xOrig, y), dy.dtype))
  };
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Max_grad.js
var maxGradConfig = {
  kernelName: "Max",
  inputsToSave: ["x"],
  outputsToSave: [!0],
  gradFunc: (dy, saved, attrs) => {
    let maxAttrs = attrs, { reductionIndices } = maxAttrs, x = saved[0], y = saved[1], origAxes = parseAxisParam(reductionIndices, x.shape), maxGrad = gradForMinAndMax(dy, y, x, origAxes);
    return {
      x: () => maxGrad.x()
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/less.js
function less_(a, b) {
  let $a = convertToTensor(a, "a", "less", "string_or_numeric"), $b = convertToTensor(b, "b", "less", "string_or_numeric");
  [$a, $b] = makeTypesMatch($a, $b), assertAndGetBroadcastShape($a.shape, $b.shape);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(Less, inputs);
}
var less = /* @__PURE__ */ op({ less_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Maximum_grad.js
var maximumGradConfig = {
  kernelName: Maximum,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved;
    return { a: () => mul(dy, cast(greaterEqual(a, b), "float32")), b: () => mul(dy, cast(less(a, b), "float32")) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/max_pool_3d_grad.js
function maxPool3dGrad_(dy, input, output, filterSize, strides, pad2, dimRoundingMode) {
  let $dy = convertToTensor(dy, "dy", "maxPool3dGrad"), $input = convertToTensor(input, "input", "maxPool3dGrad"), $output = convertToTensor(output, "output", "maxPool3dGrad"), dy5D = $dy, input5D = $input, output5D = $output, reshapedTo5D = !1;
  $input.rank === 4 && (reshapedTo5D = !0, dy5D = reshape($dy, [1, $dy.shape[0], $dy.shape[1], $dy.shape[2], $dy.shape[3]]), input5D = reshape($input, [
    1,
    $input.shape[0],
    $input.shape[1],
    $input.shape[2],
    $input.shape[3]
  ]), output5D = reshape($output, [
    1,
    $output.shape[0],
    $output.shape[1],
    $output.shape[2],
    $output.shape[3]
  ])), assert(dy5D.rank === 5, () => `Error in maxPool3dGrad: dy must be rank 5 but got rank ${dy5D.rank}.`), assert(input5D.rank === 5, () => `Error in maxPool3dGrad: input must be rank 5 but got rank ${input5D.rank}.`), assert(output5D.rank === 5, () => `Error in maxPool3dGrad: output must be rank 5 but got rank ${output5D.rank}.`), checkPadOnDimRoundingMode("maxPool3dGrad", pad2, dimRoundingMode);
  let inputs = { dy: dy5D, input: input5D, output: output5D }, attrs = { filterSize, strides, pad: pad2, dimRoundingMode }, res = ENGINE.runKernel(MaxPool3DGrad, inputs, attrs);
  return reshapedTo5D ? reshape(res, [res.shape[1], res.shape[2], res.shape[3], res.shape[4]]) : res;
}
var maxPool3dGrad = /* @__PURE__ */ op({ maxPool3dGrad_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/MaxPool3D_grad.js
var maxPool3DGradConfig = {
  kernelName: MaxPool3D,
  inputsToSave: ["x"],
  outputsToSave: [!0],
  gradFunc: (dy, saved, attrs) => {
    let [x, y] = saved, { filterSize, strides, pad: pad2, dimRoundingMode } = attrs;
    return {
      x: () => maxPool3dGrad(dy, x, y, filterSize, strides, pad2, dimRoundingMode)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/max_pool_grad.js
function maxPoolGrad_(dy, input, output, filterSize, strides, pad2, dimRoundingMode) {
  let $dy = convertToTensor(dy, "dy", "maxPoolGrad"), $input = convertToTensor(input, "input", "maxPoolGrad"), $output = convertToTensor(output, "output", "maxPoolGrad");
  assert($input.rank === $dy.rank, () => `Rank of input (${$input.rank}) does not match rank of dy (${$dy.rank})`), assert($dy.rank === 4, () => `Error in maxPoolGrad: dy must be rank 4 but got rank ${$dy.rank}.`), assert($input.rank === 4, () => `Error in maxPoolGrad: input must be rank 4 but got rank ${$input.rank}.`), checkPadOnDimRoundingMode("maxPoolGrad", pad2, dimRoundingMode);
  let inputs = { dy: $dy, input: $input, output: $output }, attrs = { filterSize, strides, pad: pad2, dimRoundingMode };
  return ENGINE.runKernel(MaxPoolGrad, inputs, attrs);
}
var maxPoolGrad = /* @__PURE__ */ op({ maxPoolGrad_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/MaxPool_grad.js
var maxPoolGradConfig = {
  kernelName: MaxPool,
  inputsToSave: ["x"],
  outputsToSave: [!0],
  gradFunc: (dy, saved, attrs) => {
    let [x, y] = saved, { filterSize, strides, pad: pad2 } = attrs;
    return {
      x: () => maxPoolGrad(dy, x, y, filterSize, strides, pad2)
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/zeros.js
function zeros(shape, dtype = "float32") {
  if (assertNonNegativeIntegerDimensions(shape), dtype === "complex64") {
    let real2 = zeros(shape, "float32"), imag2 = zeros(shape, "float32");
    return complex(real2, imag2);
  }
  let values = makeZerosTypedArray(sizeFromShape(shape), dtype);
  return ENGINE.makeTensor(values, shape, dtype);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/ones.js
function ones2(shape, dtype = "float32") {
  if (assertNonNegativeIntegerDimensions(shape), dtype === "complex64") {
    let real2 = ones2(shape, "float32"), imag2 = zeros(shape, "float32");
    return complex(real2, imag2);
  }
  let values = makeOnesTypedArray(sizeFromShape(shape), dtype);
  return ENGINE.makeTensor(values, shape, dtype);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Mean_grad.js
var meanGradConfig = {
  kernelName: Mean,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { axis } = attrs, axes = parseAxisParam(axis, x.shape), reduceShape = computeOutAndReduceShapes(x.shape, axes)[1], reduceSize = sizeFromShape(reduceShape);
    return { x: () => {
      let expandedDyShape = x.shape.slice();
      axes.forEach((axis2) => {
        expandedDyShape[axis2] = 1;
      });
      let expandedDy = reshape(dy, expandedDyShape);
      return div(mul(expandedDy, ones2(x.shape, "float32")), reduceSize);
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Min_grad.js
var minGradConfig = {
  kernelName: "Min",
  inputsToSave: ["x"],
  outputsToSave: [!0],
  gradFunc: (dy, saved, attrs) => {
    let minAttrs = attrs, { axis } = minAttrs, [x, y] = saved, origAxes = parseAxisParam(axis, x.shape), minGrad = gradForMinAndMax(dy, y, x, origAxes);
    return {
      x: () => minGrad.x()
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Minimum_grad.js
var minimumGradConfig = {
  kernelName: Minimum,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved;
    return { a: () => mul(dy, cast(lessEqual(a, b), "float32")), b: () => mul(dy, cast(greater(a, b), "float32")) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/slice.js
function slice_(x, begin, size) {
  let $x = convertToTensor(x, "x", "slice", "string_or_numeric");
  if ($x.rank === 0)
    throw new Error("Slicing scalar is not possible");
  let inputs = { x: $x }, attrs = { begin, size };
  return ENGINE.runKernel(Slice, inputs, attrs);
}
var slice = /* @__PURE__ */ op({ slice_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/MirrorPad_grad.js
var mirrorPadGradConfig = {
  kernelName: MirrorPad,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let x = saved[0], { paddings } = attrs, begin = paddings.map((p) => p[0]);
    return { x: () => slice(dy, begin, x.shape) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/floor.js
function floor_(x) {
  let inputs = { x: convertToTensor(x, "x", "floor", "float32") };
  return ENGINE.runKernel(Floor, inputs);
}
var floor = /* @__PURE__ */ op({ floor_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Mod_grad.js
var modGradConfig = {
  kernelName: "Mod",
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved, outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    return { a: () => {
      let reduceAxes = getReductionAxes(a.shape, outShape);
      return reduceAxes.length > 0 ? reshape(sum(dy, reduceAxes), a.shape) : dy;
    }, b: () => {
      let res = mul(dy, neg(floor(div(a, b)))), reduceAxes = getReductionAxes(b.shape, outShape);
      return reduceAxes.length > 0 ? reshape(sum(res, reduceAxes), b.shape) : res;
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Multiply_grad.js
var multiplyGradConfig = {
  kernelName: Multiply,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved, outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    return { a: () => {
      let res = mul(dy, cast(b, "float32")), reduceAxes = getReductionAxes(a.shape, outShape);
      return reduceAxes.length > 0 ? reshape(sum(res, reduceAxes), a.shape) : res;
    }, b: () => {
      let res = mul(dy, cast(a, "float32")), reduceAxes = getReductionAxes(b.shape, outShape);
      return reduceAxes.length > 0 ? reshape(sum(res, reduceAxes), b.shape) : res;
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Neg_grad.js
var negGradConfig = {
  kernelName: "Neg",
  gradFunc: (dy) => ({ x: () => neg(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/OneHot_grad.js
var oneHotGradConfig = {
  kernelName: OneHot,
  inputsToSave: ["indices"],
  gradFunc: (dy, saved) => {
    let indices = saved[0];
    return { indices: () => zeros(indices.shape, "float32") };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/OnesLike_grad.js
var onesLikeGradConfig = {
  kernelName: OnesLike,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/unstack.js
function unstack_(x, axis = 0) {
  let $x = convertToTensor(x, "x", "unstack", "string_or_numeric");
  assert(axis >= -$x.shape.length && axis < $x.shape.length, () => `Axis = ${axis} is not in [-${$x.shape.length}, ${$x.shape.length})`);
  let inputs = { value: $x }, attrs = { axis };
  return ENGINE.runKernel(Unpack, inputs, attrs);
}
var unstack = /* @__PURE__ */ op({ unstack_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Pack_grad.js
var packGradConfig = {
  kernelName: Pack,
  saveAllInputs: !0,
  gradFunc: (dy, saved, attrs) => {
    let { axis } = attrs;
    return unstack(dy, axis).map((t) => () => t);
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/PadV2_grad.js
var padV2GradConfig = {
  kernelName: PadV2,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let x = saved[0], { paddings } = attrs, begin = paddings.map((p) => p[0]);
    return { x: () => slice(dy, begin, x.shape) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/log.js
function log_(x) {
  let inputs = { x: convertToTensor(x, "x", "log", "float32") };
  return ENGINE.runKernel("Log", inputs);
}
var log2 = /* @__PURE__ */ op({ log_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/pow.js
function pow_(base, exp2) {
  let $base = convertToTensor(base, "base", "pow"), $exp = convertToTensor(exp2, "exp", "pow");
  [$base, $exp] = makeTypesMatch($base, $exp);
  let inputs = { a: $base, b: $exp };
  return ENGINE.runKernel("Pow", inputs);
}
var pow = /* @__PURE__ */ op({ pow_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Pow_grad.js
var powGradConfig = {
  kernelName: "Pow",
  inputsToSave: ["a", "b"],
  outputsToSave: [!0],
  gradFunc: (dy, saved) => {
    let [a, b, y] = saved, base = a, exp2 = b, outShape = assertAndGetBroadcastShape(base.shape, exp2.shape);
    return { a: () => {
      let expFloat = cast(exp2, "float32"), res = mul(dy, mul(expFloat, pow(base, sub(expFloat, scalar(1))))), reduceAxes = getReductionAxes(base.shape, outShape);
      return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, base.shape);
    }, b: () => {
      let condition = greater(base, 0), logBase = where(condition, log2(base), zerosLike(base)), res = mul(dy, mul(y, logBase)), reduceAxes = getReductionAxes(exp2.shape, outShape);
      return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, exp2.shape);
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Prelu_grad.js
var preluGradConfig = {
  kernelName: Prelu,
  inputsToSave: ["x", "alpha"],
  gradFunc: (dy, saved) => {
    let [x, alpha] = saved, mask = greater(x, 0);
    return {
      x: () => where(mask, dy, mul(dy, alpha)),
      alpha: () => {
        let res = where(mask, zerosLike(dy), mul(dy, x)), reduceAxes = getReductionAxes(alpha.shape, dy.shape);
        return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, alpha.shape);
      }
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/device_util.js
function isBrowser() {
  return typeof window < "u" && window.document != null || //@ts-ignore
  typeof WorkerGlobalScope < "u";
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/flags.js
var ENV2 = env();
ENV2.registerFlag("DEBUG", () => !1, (debugValue) => {
  debugValue && console.warn("Debugging mode is ON. The output of every math call will be downloaded to CPU and checked for NaNs. This significantly impacts performance.");
});
ENV2.registerFlag("IS_BROWSER", () => isBrowser());
ENV2.registerFlag("IS_NODE", () => typeof process < "u" && typeof process.versions < "u" && typeof process.versions.node < "u");
ENV2.registerFlag("IS_CHROME", () => typeof navigator < "u" && navigator != null && navigator.userAgent != null && /Chrome/.test(navigator.userAgent) && /Google Inc/.test(navigator.vendor));
ENV2.registerFlag("IS_SAFARI", () => typeof navigator < "u" && navigator != null && navigator.userAgent != null && /Safari/.test(navigator.userAgent) && /Apple/.test(navigator.vendor));
ENV2.registerFlag("PROD", () => !1);
ENV2.registerFlag("TENSORLIKE_CHECK_SHAPE_CONSISTENCY", () => ENV2.getBool("DEBUG"));
ENV2.registerFlag("DEPRECATION_WARNINGS_ENABLED", () => !0);
ENV2.registerFlag("IS_TEST", () => !1);
ENV2.registerFlag("CHECK_COMPUTATION_FOR_ERRORS", () => ENV2.getBool("DEBUG"));
ENV2.registerFlag("WRAP_TO_IMAGEBITMAP", () => !1);
ENV2.registerFlag("CANVAS2D_WILL_READ_FREQUENTLY_FOR_GPU", () => !1);
ENV2.registerFlag("USE_SETTIMEOUTCUSTOM", () => !1);

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/composite_array_buffer.js
var CompositeArrayBuffer = class _CompositeArrayBuffer {
  /**
   * Concatenate a number of ArrayBuffers into one.
   *
   * @param buffers An array of ArrayBuffers to concatenate, or a single
   *     ArrayBuffer.
   * @returns Result of concatenating `buffers` in order.
   */
  static join(buffers) {
    return new _CompositeArrayBuffer(buffers).slice();
  }
  constructor(buffers) {
    if (this.shards = [], this.previousShardIndex = 0, buffers == null || (buffers instanceof Array || (buffers = [buffers]), buffers = buffers.map((bufferOrTypedArray) => isTypedArray(bufferOrTypedArray) ? bufferOrTypedArray.buffer : bufferOrTypedArray), buffers.length === 0))
      return;
    this.bufferUniformSize = buffers[0].byteLength;
    let start = 0;
    for (let i = 0; i < buffers.length; i++) {
      let buffer = buffers[i];
      i !== buffers.length - 1 && buffer.byteLength !== this.bufferUniformSize && (this.bufferUniformSize = void 0);
      let end = start + buffer.byteLength;
      this.shards.push({ buffer, start, end }), start = end;
    }
    this.shards.length === 0 && (this.byteLength = 0), this.byteLength = this.shards[this.shards.length - 1].end;
  }
  slice(start = 0, end = this.byteLength) {
    if (this.shards.length === 0)
      return new ArrayBuffer(0);
    if (start = isNaN(Number(start)) ? 0 : start, end = isNaN(Number(end)) ? 0 : end, start = Math.max(0, start), end = Math.min(this.byteLength, end), end <= start)
      return new ArrayBuffer(0);
    let startShardIndex = this.findShardForByte(start);
    if (startShardIndex === -1)
      throw new Error(`Could not find start shard for byte ${start}`);
    let size = end - start, outputBuffer = new ArrayBuffer(size), outputArray = new Uint8Array(outputBuffer), sliced = 0;
    for (let i = startShardIndex; i < this.shards.length; i++) {
      let shard = this.shards[i], localStart = start + sliced - shard.start, outputStart = sliced, localEnd = Math.min(end, shard.end) - shard.start, outputSlice = new Uint8Array(shard.buffer, localStart, localEnd - localStart);
      if (outputArray.set(outputSlice, outputStart), sliced += outputSlice.length, end < shard.end)
        break;
    }
    return outputBuffer;
  }
  /**
   * Get the index of the shard that contains the byte at `byteIndex`.
   */
  findShardForByte(byteIndex) {
    if (this.shards.length === 0 || byteIndex < 0 || byteIndex >= this.byteLength)
      return -1;
    if (this.bufferUniformSize != null)
      return this.previousShardIndex = Math.floor(byteIndex / this.bufferUniformSize), this.previousShardIndex;
    function check(shard) {
      return byteIndex < shard.start ? -1 : byteIndex >= shard.end ? 1 : 0;
    }
    if (check(this.shards[this.previousShardIndex]) === 0)
      return this.previousShardIndex;
    let index = search(this.shards, check);
    return index === -1 ? -1 : (this.previousShardIndex = index, this.previousShardIndex);
  }
};
function search(sortedArray, compare) {
  let min = 0, max = sortedArray.length;
  for (; min <= max; ) {
    let middle = Math.floor((max - min) / 2) + min, side = compare(sortedArray[middle]);
    if (side === 0)
      return middle;
    side < 0 ? max = middle : min = middle + 1;
  }
  return -1;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/io_utils.js
var useNodeBuffer = typeof Buffer < "u" && (typeof Blob > "u" || typeof atob > "u" || typeof btoa > "u");
function stringByteLength(str) {
  return useNodeBuffer ? Buffer.byteLength(str, "utf8") : new Blob([str]).size;
}
function arrayBufferToBase64String(buffer) {
  if (useNodeBuffer)
    return Buffer.from(buffer).toString("base64");
  let buf = new Uint8Array(buffer), s = "";
  for (let i = 0, l = buf.length; i < l; i++)
    s += String.fromCharCode(buf[i]);
  return btoa(s);
}
function base64StringToArrayBuffer(str) {
  if (useNodeBuffer) {
    let buf = Buffer.from(str, "base64");
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  }
  let s = atob(str), buffer = new Uint8Array(s.length);
  for (let i = 0; i < s.length; ++i)
    buffer.set([s.charCodeAt(i)], i);
  return buffer.buffer;
}
function getModelJSONForModelArtifacts(artifacts, manifest) {
  let result = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: manifest
  };
  return artifacts.signature != null && (result.signature = artifacts.signature), artifacts.userDefinedMetadata != null && (result.userDefinedMetadata = artifacts.userDefinedMetadata), artifacts.modelInitializer != null && (result.modelInitializer = artifacts.modelInitializer), artifacts.initializerSignature != null && (result.initializerSignature = artifacts.initializerSignature), artifacts.trainingConfig != null && (result.trainingConfig = artifacts.trainingConfig), result;
}
function getModelArtifactsForJSONSync(modelJSON, weightSpecs, weightData) {
  let modelArtifacts = {
    modelTopology: modelJSON.modelTopology,
    format: modelJSON.format,
    generatedBy: modelJSON.generatedBy,
    convertedBy: modelJSON.convertedBy
  };
  if (modelJSON.trainingConfig != null && (modelArtifacts.trainingConfig = modelJSON.trainingConfig), modelJSON.weightsManifest != null) {
    if (!weightSpecs)
      throw new Error("modelJSON has weightsManifest but weightSpecs is null");
    if (!weightData)
      throw new Error("modelJSON has weightsManifest but weightData is null");
    modelArtifacts.weightSpecs = weightSpecs, modelArtifacts.weightData = weightData;
  }
  return modelJSON.signature != null && (modelArtifacts.signature = modelJSON.signature), modelJSON.userDefinedMetadata != null && (modelArtifacts.userDefinedMetadata = modelJSON.userDefinedMetadata), modelJSON.modelInitializer != null && (modelArtifacts.modelInitializer = modelJSON.modelInitializer), modelJSON.initializerSignature != null && (modelArtifacts.initializerSignature = modelJSON.initializerSignature), modelArtifacts;
}
async function getModelArtifactsForJSON(modelJSON, loadWeights2) {
  let weightSpecs, weightData;
  return modelJSON.weightsManifest != null && ([weightSpecs, weightData] = await loadWeights2(modelJSON.weightsManifest)), getModelArtifactsForJSONSync(modelJSON, weightSpecs, weightData);
}
function getModelArtifactsInfoForJSON(modelArtifacts) {
  if (modelArtifacts.modelTopology instanceof ArrayBuffer)
    throw new Error("Expected JSON model topology, received ArrayBuffer.");
  return {
    dateSaved: /* @__PURE__ */ new Date(),
    modelTopologyType: "JSON",
    modelTopologyBytes: modelArtifacts.modelTopology == null ? 0 : stringByteLength(JSON.stringify(modelArtifacts.modelTopology)),
    weightSpecsBytes: modelArtifacts.weightSpecs == null ? 0 : stringByteLength(JSON.stringify(modelArtifacts.weightSpecs)),
    weightDataBytes: modelArtifacts.weightData == null ? 0 : new CompositeArrayBuffer(modelArtifacts.weightData).byteLength
  };
}
function getWeightSpecs(weightsManifest) {
  let weightSpecs = [];
  for (let entry of weightsManifest)
    weightSpecs.push(...entry.weights);
  return weightSpecs;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/router_registry.js
var IORouterRegistry = class _IORouterRegistry {
  constructor() {
    this.saveRouters = [], this.loadRouters = [];
  }
  static getInstance() {
    return _IORouterRegistry.instance == null && (_IORouterRegistry.instance = new _IORouterRegistry()), _IORouterRegistry.instance;
  }
  /**
   * Register a save-handler router.
   *
   * @param saveRouter A function that maps a URL-like string onto an instance
   * of `IOHandler` with the `save` method defined or `null`.
   */
  static registerSaveRouter(saveRouter) {
    _IORouterRegistry.getInstance().saveRouters.push(saveRouter);
  }
  /**
   * Register a load-handler router.
   *
   * @param loadRouter A function that maps a URL-like string onto an instance
   * of `IOHandler` with the `load` method defined or `null`.
   */
  static registerLoadRouter(loadRouter) {
    _IORouterRegistry.getInstance().loadRouters.push(loadRouter);
  }
  /**
   * Look up IOHandler for saving, given a URL-like string.
   *
   * @param url
   * @returns If only one match is found, an instance of IOHandler with the
   * `save` method defined. If no match is found, `null`.
   * @throws Error, if more than one match is found.
   */
  static getSaveHandlers(url) {
    return _IORouterRegistry.getHandlers(url, "save");
  }
  /**
   * Look up IOHandler for loading, given a URL-like string.
   *
   * @param url
   * @param loadOptions Optional, custom load options.
   * @returns All valid handlers for `url`, given the currently registered
   *   handler routers.
   */
  static getLoadHandlers(url, loadOptions) {
    return _IORouterRegistry.getHandlers(url, "load", loadOptions);
  }
  static getHandlers(url, handlerType, loadOptions) {
    let validHandlers = [];
    return (handlerType === "load" ? _IORouterRegistry.getInstance().loadRouters : _IORouterRegistry.getInstance().saveRouters).forEach((router) => {
      let handler = router(url, loadOptions);
      handler !== null && validHandlers.push(handler);
    }), validHandlers;
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/indexed_db.js
var DATABASE_NAME = "tensorflowjs", DATABASE_VERSION = 1, MODEL_STORE_NAME = "models_store", INFO_STORE_NAME = "model_info_store";
function getIndexedDBFactory() {
  if (!env().getBool("IS_BROWSER"))
    throw new Error("Failed to obtain IndexedDB factory because the current environmentis not a web browser.");
  let theWindow = typeof window > "u" ? self : window, factory = theWindow.indexedDB || theWindow.mozIndexedDB || theWindow.webkitIndexedDB || theWindow.msIndexedDB || theWindow.shimIndexedDB;
  if (factory == null)
    throw new Error("The current browser does not appear to support IndexedDB.");
  return factory;
}
function setUpDatabase(openRequest) {
  let db = openRequest.result;
  db.createObjectStore(MODEL_STORE_NAME, { keyPath: "modelPath" }), db.createObjectStore(INFO_STORE_NAME, { keyPath: "modelPath" });
}
var BrowserIndexedDB = class {
  constructor(modelPath) {
    if (this.indexedDB = getIndexedDBFactory(), modelPath == null || !modelPath)
      throw new Error("For IndexedDB, modelPath must not be null, undefined or empty.");
    this.modelPath = modelPath;
  }
  async save(modelArtifacts) {
    if (modelArtifacts.modelTopology instanceof ArrayBuffer)
      throw new Error("BrowserLocalStorage.save() does not support saving model topology in binary formats yet.");
    return this.databaseAction(this.modelPath, modelArtifacts);
  }
  async load() {
    return this.databaseAction(this.modelPath);
  }
  /**
   * Perform database action to put model artifacts into or read model artifacts
   * from IndexedDB object store.
   *
   * Whether the action is put or get depends on whether `modelArtifacts` is
   * specified. If it is specified, the action will be put; otherwise the action
   * will be get.
   *
   * @param modelPath A unique string path for the model.
   * @param modelArtifacts If specified, it will be the model artifacts to be
   *   stored in IndexedDB.
   * @returns A `Promise` of `SaveResult`, if the action is put, or a `Promise`
   *   of `ModelArtifacts`, if the action is get.
   */
  databaseAction(modelPath, modelArtifacts) {
    return new Promise((resolve, reject) => {
      let openRequest = this.indexedDB.open(DATABASE_NAME, DATABASE_VERSION);
      openRequest.onupgradeneeded = () => setUpDatabase(openRequest), openRequest.onsuccess = () => {
        let db = openRequest.result;
        if (modelArtifacts == null) {
          let modelTx = db.transaction(MODEL_STORE_NAME, "readonly"), getRequest = modelTx.objectStore(MODEL_STORE_NAME).get(this.modelPath);
          getRequest.onsuccess = () => {
            if (getRequest.result == null)
              return db.close(), reject(new Error(`Cannot find model with path '${this.modelPath}' in IndexedDB.`));
            resolve(getRequest.result.modelArtifacts);
          }, getRequest.onerror = (error) => (db.close(), reject(getRequest.error)), modelTx.oncomplete = () => db.close();
        } else {
          modelArtifacts.weightData = CompositeArrayBuffer.join(modelArtifacts.weightData);
          let modelArtifactsInfo = getModelArtifactsInfoForJSON(modelArtifacts), infoTx = db.transaction(INFO_STORE_NAME, "readwrite"), infoStore = infoTx.objectStore(INFO_STORE_NAME), putInfoRequest;
          try {
            putInfoRequest = infoStore.put({ modelPath: this.modelPath, modelArtifactsInfo });
          } catch (error) {
            return reject(error);
          }
          let modelTx;
          putInfoRequest.onsuccess = () => {
            modelTx = db.transaction(MODEL_STORE_NAME, "readwrite");
            let modelStore = modelTx.objectStore(MODEL_STORE_NAME), putModelRequest;
            try {
              putModelRequest = modelStore.put({
                modelPath: this.modelPath,
                modelArtifacts,
                modelArtifactsInfo
              });
            } catch (error) {
              return reject(error);
            }
            putModelRequest.onsuccess = () => resolve({ modelArtifactsInfo }), putModelRequest.onerror = (error) => {
              infoStore = infoTx.objectStore(INFO_STORE_NAME);
              let deleteInfoRequest = infoStore.delete(this.modelPath);
              deleteInfoRequest.onsuccess = () => (db.close(), reject(putModelRequest.error)), deleteInfoRequest.onerror = (error2) => (db.close(), reject(putModelRequest.error));
            };
          }, putInfoRequest.onerror = (error) => (db.close(), reject(putInfoRequest.error)), infoTx.oncomplete = () => {
            modelTx == null ? db.close() : modelTx.oncomplete = () => db.close();
          };
        }
      }, openRequest.onerror = (error) => reject(openRequest.error);
    });
  }
};
BrowserIndexedDB.URL_SCHEME = "indexeddb://";
var indexedDBRouter = (url) => env().getBool("IS_BROWSER") && !Array.isArray(url) && url.startsWith(BrowserIndexedDB.URL_SCHEME) ? browserIndexedDB(url.slice(BrowserIndexedDB.URL_SCHEME.length)) : null;
IORouterRegistry.registerSaveRouter(indexedDBRouter);
IORouterRegistry.registerLoadRouter(indexedDBRouter);
function browserIndexedDB(modelPath) {
  return new BrowserIndexedDB(modelPath);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/local_storage.js
var PATH_SEPARATOR = "/", PATH_PREFIX = "tensorflowjs_models", INFO_SUFFIX = "info", MODEL_TOPOLOGY_SUFFIX = "model_topology", WEIGHT_SPECS_SUFFIX = "weight_specs", WEIGHT_DATA_SUFFIX = "weight_data", MODEL_METADATA_SUFFIX = "model_metadata";
function getModelKeys(path) {
  return {
    info: [PATH_PREFIX, path, INFO_SUFFIX].join(PATH_SEPARATOR),
    topology: [PATH_PREFIX, path, MODEL_TOPOLOGY_SUFFIX].join(PATH_SEPARATOR),
    weightSpecs: [PATH_PREFIX, path, WEIGHT_SPECS_SUFFIX].join(PATH_SEPARATOR),
    weightData: [PATH_PREFIX, path, WEIGHT_DATA_SUFFIX].join(PATH_SEPARATOR),
    modelMetadata: [PATH_PREFIX, path, MODEL_METADATA_SUFFIX].join(PATH_SEPARATOR)
  };
}
function removeItems(keys) {
  for (let key of Object.values(keys))
    window.localStorage.removeItem(key);
}
var BrowserLocalStorage = class {
  constructor(modelPath) {
    if (!env().getBool("IS_BROWSER") || typeof window > "u" || typeof window.localStorage > "u")
      throw new Error("The current environment does not support local storage.");
    if (this.LS = window.localStorage, modelPath == null || !modelPath)
      throw new Error("For local storage, modelPath must not be null, undefined or empty.");
    this.modelPath = modelPath, this.keys = getModelKeys(this.modelPath);
  }
  /**
   * Save model artifacts to browser local storage.
   *
   * See the documentation to `browserLocalStorage` for details on the saved
   * artifacts.
   *
   * @param modelArtifacts The model artifacts to be stored.
   * @returns An instance of SaveResult.
   */
  async save(modelArtifacts) {
    if (modelArtifacts.modelTopology instanceof ArrayBuffer)
      throw new Error("BrowserLocalStorage.save() does not support saving model topology in binary formats yet.");
    {
      let topology = JSON.stringify(modelArtifacts.modelTopology), weightSpecs = JSON.stringify(modelArtifacts.weightSpecs), modelArtifactsInfo = getModelArtifactsInfoForJSON(modelArtifacts), weightBuffer = CompositeArrayBuffer.join(modelArtifacts.weightData);
      try {
        this.LS.setItem(this.keys.info, JSON.stringify(modelArtifactsInfo)), this.LS.setItem(this.keys.topology, topology), this.LS.setItem(this.keys.weightSpecs, weightSpecs), this.LS.setItem(this.keys.weightData, arrayBufferToBase64String(weightBuffer));
        let metadata = {
          format: modelArtifacts.format,
          generatedBy: modelArtifacts.generatedBy,
          convertedBy: modelArtifacts.convertedBy,
          signature: modelArtifacts.signature != null ? modelArtifacts.signature : void 0,
          userDefinedMetadata: modelArtifacts.userDefinedMetadata != null ? modelArtifacts.userDefinedMetadata : void 0,
          modelInitializer: modelArtifacts.modelInitializer != null ? modelArtifacts.modelInitializer : void 0,
          initializerSignature: modelArtifacts.initializerSignature != null ? modelArtifacts.initializerSignature : void 0,
          trainingConfig: modelArtifacts.trainingConfig != null ? modelArtifacts.trainingConfig : void 0
        };
        return this.LS.setItem(this.keys.modelMetadata, JSON.stringify(metadata)), { modelArtifactsInfo };
      } catch {
        throw removeItems(this.keys), new Error(`Failed to save model '${this.modelPath}' to local storage: size quota being exceeded is a possible cause of this failure: modelTopologyBytes=${modelArtifactsInfo.modelTopologyBytes}, weightSpecsBytes=${modelArtifactsInfo.weightSpecsBytes}, weightDataBytes=${modelArtifactsInfo.weightDataBytes}.`);
      }
    }
  }
  /**
   * Load a model from local storage.
   *
   * See the documentation to `browserLocalStorage` for details on the saved
   * artifacts.
   *
   * @returns The loaded model (if loading succeeds).
   */
  async load() {
    let info = JSON.parse(this.LS.getItem(this.keys.info));
    if (info == null)
      throw new Error(`In local storage, there is no model with name '${this.modelPath}'`);
    if (info.modelTopologyType !== "JSON")
      throw new Error("BrowserLocalStorage does not support loading non-JSON model topology yet.");
    let out = {}, topology = JSON.parse(this.LS.getItem(this.keys.topology));
    if (topology == null)
      throw new Error(`In local storage, the topology of model '${this.modelPath}' is missing.`);
    out.modelTopology = topology;
    let weightSpecs = JSON.parse(this.LS.getItem(this.keys.weightSpecs));
    if (weightSpecs == null)
      throw new Error(`In local storage, the weight specs of model '${this.modelPath}' are missing.`);
    out.weightSpecs = weightSpecs;
    let metadataString = this.LS.getItem(this.keys.modelMetadata);
    if (metadataString != null) {
      let metadata = JSON.parse(metadataString);
      out.format = metadata.format, out.generatedBy = metadata.generatedBy, out.convertedBy = metadata.convertedBy, metadata.signature != null && (out.signature = metadata.signature), metadata.userDefinedMetadata != null && (out.userDefinedMetadata = metadata.userDefinedMetadata), metadata.modelInitializer != null && (out.modelInitializer = metadata.modelInitializer), metadata.initializerSignature != null && (out.initializerSignature = metadata.initializerSignature), metadata.trainingConfig != null && (out.trainingConfig = metadata.trainingConfig);
    }
    let weightDataBase64 = this.LS.getItem(this.keys.weightData);
    if (weightDataBase64 == null)
      throw new Error(`In local storage, the binary weight values of model '${this.modelPath}' are missing.`);
    return out.weightData = base64StringToArrayBuffer(weightDataBase64), out;
  }
};
BrowserLocalStorage.URL_SCHEME = "localstorage://";
var localStorageRouter = (url) => env().getBool("IS_BROWSER") && !Array.isArray(url) && url.startsWith(BrowserLocalStorage.URL_SCHEME) ? browserLocalStorage(url.slice(BrowserLocalStorage.URL_SCHEME.length)) : null;
IORouterRegistry.registerSaveRouter(localStorageRouter);
IORouterRegistry.registerLoadRouter(localStorageRouter);
function browserLocalStorage(modelPath) {
  return new BrowserLocalStorage(modelPath);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/browser_files.js
var DEFAULT_FILE_NAME_PREFIX = "model", DEFAULT_JSON_EXTENSION_NAME = ".json", DEFAULT_WEIGHT_DATA_EXTENSION_NAME = ".weights.bin";
function defer(f) {
  return new Promise((resolve) => setTimeout(resolve)).then(f);
}
var BrowserDownloads = class _BrowserDownloads {
  constructor(fileNamePrefix) {
    if (!env().getBool("IS_BROWSER"))
      throw new Error("browserDownloads() cannot proceed because the current environment is not a browser.");
    fileNamePrefix.startsWith(_BrowserDownloads.URL_SCHEME) && (fileNamePrefix = fileNamePrefix.slice(_BrowserDownloads.URL_SCHEME.length)), (fileNamePrefix == null || fileNamePrefix.length === 0) && (fileNamePrefix = DEFAULT_FILE_NAME_PREFIX), this.modelJsonFileName = fileNamePrefix + DEFAULT_JSON_EXTENSION_NAME, this.weightDataFileName = fileNamePrefix + DEFAULT_WEIGHT_DATA_EXTENSION_NAME;
  }
  async save(modelArtifacts) {
    if (typeof document > "u")
      throw new Error("Browser downloads are not supported in this environment since `document` is not present");
    let weightBuffer = CompositeArrayBuffer.join(modelArtifacts.weightData), weightsURL = window.URL.createObjectURL(new Blob([weightBuffer], { type: "application/octet-stream" }));
    if (modelArtifacts.modelTopology instanceof ArrayBuffer)
      throw new Error("BrowserDownloads.save() does not support saving model topology in binary formats yet.");
    {
      let weightsManifest = [{
        paths: ["./" + this.weightDataFileName],
        weights: modelArtifacts.weightSpecs
      }], modelJSON = getModelJSONForModelArtifacts(modelArtifacts, weightsManifest), modelJsonURL = window.URL.createObjectURL(new Blob([JSON.stringify(modelJSON)], { type: "application/json" })), jsonAnchor = this.modelJsonAnchor == null ? document.createElement("a") : this.modelJsonAnchor;
      if (jsonAnchor.download = this.modelJsonFileName, jsonAnchor.href = modelJsonURL, await defer(() => jsonAnchor.dispatchEvent(new MouseEvent("click"))), modelArtifacts.weightData != null) {
        let weightDataAnchor = this.weightDataAnchor == null ? document.createElement("a") : this.weightDataAnchor;
        weightDataAnchor.download = this.weightDataFileName, weightDataAnchor.href = weightsURL, await defer(() => weightDataAnchor.dispatchEvent(new MouseEvent("click")));
      }
      return { modelArtifactsInfo: getModelArtifactsInfoForJSON(modelArtifacts) };
    }
  }
};
BrowserDownloads.URL_SCHEME = "downloads://";
var browserDownloadsRouter = (url) => env().getBool("IS_BROWSER") && !Array.isArray(url) && url.startsWith(BrowserDownloads.URL_SCHEME) ? browserDownloads(url.slice(BrowserDownloads.URL_SCHEME.length)) : null;
IORouterRegistry.registerSaveRouter(browserDownloadsRouter);
function browserDownloads(fileNamePrefix = "model") {
  return new BrowserDownloads(fileNamePrefix);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/progress.js
function monitorPromisesProgress(promises, onProgress, startFraction, endFraction) {
  checkPromises(promises), startFraction = startFraction ?? 0, endFraction = endFraction ?? 1, checkFraction(startFraction, endFraction);
  let resolvedPromise = 0, registerMonitor = (promise) => (promise.then((value) => {
    let fraction = startFraction + ++resolvedPromise / promises.length * (endFraction - startFraction);
    return onProgress(fraction), value;
  }), promise);
  function checkPromises(promises2) {
    assert(promises2 != null && Array.isArray(promises2) && promises2.length > 0, () => "promises must be a none empty array");
  }
  function checkFraction(startFraction2, endFraction2) {
    assert(startFraction2 >= 0 && startFraction2 <= 1, () => `Progress fraction must be in range [0, 1], but got startFraction ${startFraction2}`), assert(endFraction2 >= 0 && endFraction2 <= 1, () => `Progress fraction must be in range [0, 1], but got endFraction ${endFraction2}`), assert(endFraction2 >= startFraction2, () => `startFraction must be no more than endFraction, but got startFraction ${startFraction2} and endFraction ${endFraction2}`);
  }
  return Promise.all(promises.map(registerMonitor));
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/weights_loader.js
async function loadWeightsAsArrayBuffer(fetchURLs, loadOptions) {
  loadOptions == null && (loadOptions = {});
  let fetchFunc = loadOptions.fetchFunc == null ? env().platform.fetch : loadOptions.fetchFunc, requests = fetchURLs.map((fetchURL) => fetchFunc(fetchURL, loadOptions.requestInit, { isBinary: !0 })), bufferPromises = (loadOptions.onProgress == null ? await Promise.all(requests) : await monitorPromisesProgress(requests, loadOptions.onProgress, 0, 0.5)).map((response) => response.arrayBuffer());
  return loadOptions.onProgress == null ? await Promise.all(bufferPromises) : await monitorPromisesProgress(bufferPromises, loadOptions.onProgress, 0.5, 1);
}
function streamWeights(fetchURLs, loadOptions) {
  var _a;
  let fetchFunc = loadOptions.fetchFunc == null ? env().platform.fetch : loadOptions.fetchFunc, fetchIndex = 0, chunkReader;
  return (_a = loadOptions.onProgress) === null || _a === void 0 || _a.call(loadOptions, 0), new ReadableStream({
    pull: async (controller) => {
      for (var _a2; fetchIndex < fetchURLs.length; ) {
        chunkReader || (chunkReader = (await fetchFunc(fetchURLs[fetchIndex], loadOptions.requestInit, { isBinary: !0 })).body.getReader());
        let { done, value } = await chunkReader.read();
        if (done) {
          fetchIndex++, chunkReader = void 0, (_a2 = loadOptions.onProgress) === null || _a2 === void 0 || _a2.call(loadOptions, fetchIndex / fetchURLs.length);
          continue;
        }
        controller.enqueue(value);
        return;
      }
      controller.close();
    }
  });
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/io/http.js
var OCTET_STREAM_MIME_TYPE = "application/octet-stream", JSON_TYPE = "application/json", HTTPRequest = class {
  constructor(path, loadOptions) {
    if (this.DEFAULT_METHOD = "POST", loadOptions == null && (loadOptions = {}), this.weightPathPrefix = loadOptions.weightPathPrefix, this.weightUrlConverter = loadOptions.weightUrlConverter, loadOptions.fetchFunc != null ? (assert(typeof loadOptions.fetchFunc == "function", () => "Must pass a function that matches the signature of `fetch` (see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API)"), this.fetch = loadOptions.fetchFunc) : this.fetch = env().platform.fetch, assert(path != null && path.length > 0, () => "URL path for http must not be null, undefined or empty."), Array.isArray(path) && assert(path.length === 2, () => `URL paths for http must have a length of 2, (actual length is ${path.length}).`), this.path = path, loadOptions.requestInit != null && loadOptions.requestInit.body != null)
      throw new Error("requestInit is expected to have no pre-existing body, but has one.");
    this.requestInit = loadOptions.requestInit || {}, this.loadOptions = loadOptions;
  }
  async save(modelArtifacts) {
    if (modelArtifacts.modelTopology instanceof ArrayBuffer)
      throw new Error("BrowserHTTPRequest.save() does not support saving model topology in binary formats yet.");
    let init = Object.assign({ method: this.DEFAULT_METHOD }, this.requestInit);
    init.body = new FormData();
    let weightsManifest = [{
      paths: ["./model.weights.bin"],
      weights: modelArtifacts.weightSpecs
    }], modelTopologyAndWeightManifest = getModelJSONForModelArtifacts(modelArtifacts, weightsManifest);
    if (init.body.append("model.json", new Blob([JSON.stringify(modelTopologyAndWeightManifest)], { type: JSON_TYPE }), "model.json"), modelArtifacts.weightData != null) {
      let weightBuffer = CompositeArrayBuffer.join(modelArtifacts.weightData);
      init.body.append("model.weights.bin", new Blob([weightBuffer], { type: OCTET_STREAM_MIME_TYPE }), "model.weights.bin");
    }
    let response = await this.fetch(this.path, init);
    if (response.ok)
      return {
        modelArtifactsInfo: getModelArtifactsInfoForJSON(modelArtifacts),
        responses: [response]
      };
    throw new Error(`BrowserHTTPRequest.save() failed due to HTTP response status ${response.status}.`);
  }
  async loadModelJSON() {
    let modelConfigRequest = await this.fetch(this.path, this.requestInit);
    if (!modelConfigRequest.ok)
      throw new Error(`Request to ${this.path} failed with status code ${modelConfigRequest.status}. Please verify this URL points to the model JSON of the model to load.`);
    let modelJSON;
    try {
      modelJSON = await modelConfigRequest.json();
    } catch {
      let message = `Failed to parse model JSON of response from ${this.path}.`;
      throw this.path.endsWith(".pb") ? message += " Your path contains a .pb file extension. Support for .pb models have been removed in TensorFlow.js 1.0 in favor of .json models. You can re-convert your Python TensorFlow model using the TensorFlow.js 1.0 conversion scripts or you can convert your.pb models with the 'pb2json'NPM script in the tensorflow/tfjs-converter repository." : message += " Please make sure the server is serving valid JSON for this request.", new Error(message);
    }
    let modelTopology = modelJSON.modelTopology, weightsManifest = modelJSON.weightsManifest;
    if (modelTopology == null && weightsManifest == null)
      throw new Error(`The JSON from HTTP path ${this.path} contains neither model topology or manifest for weights.`);
    return modelJSON;
  }
  /**
   * Load model artifacts via HTTP request(s).
   *
   * See the documentation to `tf.io.http` for details on the saved
   * artifacts.
   *
   * @returns The loaded model artifacts (if loading succeeds).
   */
  async load() {
    if (this.loadOptions.streamWeights)
      return this.loadStream();
    let modelJSON = await this.loadModelJSON();
    return getModelArtifactsForJSON(modelJSON, (weightsManifest) => this.loadWeights(weightsManifest));
  }
  async loadStream() {
    let modelJSON = await this.loadModelJSON(), fetchURLs = await this.getWeightUrls(modelJSON.weightsManifest), weightSpecs = getWeightSpecs(modelJSON.weightsManifest), stream = () => streamWeights(fetchURLs, this.loadOptions);
    return Object.assign(Object.assign({}, modelJSON), { weightSpecs, getWeightStream: stream });
  }
  async getWeightUrls(weightsManifest) {
    let weightPath = Array.isArray(this.path) ? this.path[1] : this.path, [prefix, suffix] = parseUrl(weightPath), pathPrefix = this.weightPathPrefix || prefix, fetchURLs = [], urlPromises = [];
    for (let weightsGroup of weightsManifest)
      for (let path of weightsGroup.paths)
        this.weightUrlConverter != null ? urlPromises.push(this.weightUrlConverter(path)) : fetchURLs.push(pathPrefix + path + suffix);
    return this.weightUrlConverter && fetchURLs.push(...await Promise.all(urlPromises)), fetchURLs;
  }
  async loadWeights(weightsManifest) {
    let fetchURLs = await this.getWeightUrls(weightsManifest), weightSpecs = getWeightSpecs(weightsManifest), buffers = await loadWeightsAsArrayBuffer(fetchURLs, this.loadOptions);
    return [weightSpecs, buffers];
  }
};
HTTPRequest.URL_SCHEME_REGEX = /^https?:\/\//;
function parseUrl(url) {
  let lastSlash = url.lastIndexOf("/"), lastSearchParam = url.lastIndexOf("?"), prefix = url.substring(0, lastSlash), suffix = lastSearchParam > lastSlash ? url.substring(lastSearchParam) : "";
  return [prefix + "/", suffix];
}
function isHTTPScheme(url) {
  return url.match(HTTPRequest.URL_SCHEME_REGEX) != null;
}
var httpRouter = (url, loadOptions) => {
  if (typeof fetch > "u" && (loadOptions == null || loadOptions.fetchFunc == null))
    return null;
  {
    let isHTTP = !0;
    if (Array.isArray(url) ? isHTTP = url.every((urlItem) => isHTTPScheme(urlItem)) : isHTTP = isHTTPScheme(url), isHTTP)
      return http(url, loadOptions);
  }
  return null;
};
IORouterRegistry.registerSaveRouter(httpRouter);
IORouterRegistry.registerLoadRouter(httpRouter);
function http(path, loadOptions) {
  return new HTTPRequest(path, loadOptions);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/gather_nd_util.js
function prepareAndValidate(tensor, indices) {
  let tensorRank = tensor.shape.length, indicesRank = indices.shape.length;
  if (tensorRank < 1)
    throw new Error(`tf.gatherND() expects the input to be rank 1 or higher, but the rank was ${tensorRank}.`);
  if (indicesRank < 1)
    throw new Error(`tf.gatherND() expects the indices to be rank 1 or higher, but the rank was ${indicesRank}.`);
  if (indices.dtype !== "int32")
    throw new Error(`tf.gatherND() expects the indices to be int32 type, but the dtype was ${indices.dtype}.`);
  if (indices.shape[indicesRank - 1] > tensorRank)
    throw new Error(`index innermost dimension length must be <= tensor rank; saw: ${indices.shape[indicesRank - 1]} vs. ${tensorRank}`);
  if (sizeFromShape(tensor.shape) === 0)
    throw new Error(`Requested more than 0 entries, but input is empty. Input shape: ${tensor.shape}.`);
  let indicesShape = indices.shape, sliceRank = indicesShape[indicesShape.length - 1], nResult = 1;
  for (let i = 0; i < indicesShape.length - 1; ++i)
    nResult *= indicesShape[i];
  let inputShape = tensor.shape, resultShape = indicesShape.slice();
  resultShape.pop();
  let sliceSize = 1;
  for (let i = sliceRank; i < tensorRank; ++i)
    sliceSize *= inputShape[i], resultShape.push(inputShape[i]);
  let strides = [
    ...computeStrides(tensor.shape).map((stride) => stride / sliceSize),
    1
  ].slice(0, sliceRank);
  return [resultShape, nResult, sliceSize, strides];
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/scatter_nd_util.js
function validateUpdateShape(shape, indices, updates) {
  let sliceDim = indices.rank > 1 ? indices.shape[indices.rank - 1] : 1, batchDim = indices.rank > 1 ? indices.rank - 1 : 1, shapeError = `Must have updates.shape = indices.shape[:batchDim] + shape[sliceDim:], got updates.shape: ${updates.shape}, indices.shape: ${indices.shape}, shape: ${shape}, sliceDim: ${sliceDim}, and batchDim: ${batchDim}.`;
  if (updates.rank < batchDim)
    throw new Error(shapeError + ` update.rank < ${batchDim}. `);
  if (shape.length < sliceDim + (updates.rank - batchDim))
    throw new Error(shapeError + ` Output shape length < ${sliceDim + (updates.rank - batchDim)}`);
  if (updates.rank !== batchDim + shape.length - sliceDim)
    throw new Error(shapeError + ` update.rank != ${batchDim + shape.length - sliceDim}`);
  for (let d = 0; d < batchDim; ++d)
    if (updates.shape[d] !== indices.shape[d])
      throw new Error(shapeError + ` updates.shape[${d}] (${updates.shape[d]}) != indices.shape[${d}] (${indices.shape[d]}).`);
  for (let d = 0; d < updates.rank - batchDim; ++d)
    if (updates.shape[d + batchDim] !== shape[d + sliceDim])
      throw new Error(shapeError + ` updates.shape[${d + batchDim}] (${updates.shape[d + batchDim]}) != shape[${d + batchDim}] (${shape[d + batchDim]})`);
}
function validateInput(updates, indices, shape) {
  if (indices.rank < 1)
    throw new Error(`tf.scatterND() expects the indices to be rank 1 or higher, but the rank was ${indices.rank}.`);
  if (updates.rank < 1)
    throw new Error(`tf.scatterND() expects the updates to be rank 1 or higher, but the rank was ${updates.rank}.`);
  if (indices.dtype !== "int32")
    throw new Error(`The dtype of 'indices' should be int32, but got dtype: ${indices.dtype}`);
  if (shape.length < 1)
    throw new Error(`Output rank must be greater or equal to 1, but got shape: ${shape}`);
  if (shape.length === 0) {
    if (indices.size === 0)
      throw new Error(`Indices specified for empty output. indices shape: ${indices.shape}`);
    if (updates.size === 0)
      throw new Error(`Updates specified for empty output. updates shape: ${updates.shape}`);
  }
  validateUpdateShape(shape, indices, updates);
}
function calculateShapes(updates, indices, shape) {
  let indicesRank = indices.shape.length, sliceRank = indicesRank > 1 ? indices.shape[indicesRank - 1] : 1, totalNd = shape.length, sliceSize = 1;
  for (let i = sliceRank; i < totalNd; ++i)
    sliceSize *= shape[i];
  let safeSliceDim = sliceRank < 1 ? 1 : sliceRank, numUpdates = sizeFromShape(indices.shape) / safeSliceDim, strides = [...computeStrides(shape.slice(0, sliceRank)), 1], outputSize = sizeFromShape(shape);
  return { sliceRank, numUpdates, sliceSize, strides, outputSize };
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/slice_util.js
var slice_util_exports = {};
__export(slice_util_exports, {
  assertParamsValid: () => assertParamsValid,
  computeFlatOffset: () => computeFlatOffset,
  computeOutShape: () => computeOutShape,
  getNormalizedAxes: () => getNormalizedAxes,
  isSliceContinous: () => isSliceContinous,
  maskToAxes: () => maskToAxes,
  parseSliceParams: () => parseSliceParams,
  sliceInfo: () => sliceInfo,
  startForAxis: () => startForAxis,
  startIndicesWithElidedDims: () => startIndicesWithElidedDims,
  stopForAxis: () => stopForAxis,
  stopIndicesWithElidedDims: () => stopIndicesWithElidedDims,
  stridesForAxis: () => stridesForAxis,
  stridesWithElidedDims: () => stridesWithElidedDims
});
var NEW_AXIS = -2, SHRINK_AXIS = -1;
function assertParamsValid(input, begin, size) {
  let inputRank = input.shape.length;
  assert(inputRank === begin.length, () => `Error in slice${inputRank}D: Length of begin ${begin} must match the rank of the array (${inputRank}).`), assert(inputRank === size.length, () => `Error in slice${inputRank}D: Length of size ${size} must match the rank of the array (${inputRank}).`);
  for (let i = 0; i < inputRank; ++i)
    assert(begin[i] + size[i] <= input.shape[i], () => `Error in slice${inputRank}D: begin[${i}] + size[${i}] (${begin[i] + size[i]}) would overflow input.shape[${i}] (${input.shape[i]})`);
}
function maskToAxes(mask) {
  let axes = [], axis = 0;
  for (; mask > 0; )
    mask & 1 && axes.push(axis), mask /= 2, axis++;
  return axes;
}
function computeOutShape(begin, end, strides) {
  let size = [];
  for (let axis = 0; axis < begin.length; axis++)
    size[axis] = Math.ceil((end[axis] - begin[axis]) / strides[axis]);
  return size;
}
function stridesWithElidedDims(strides, ellipsisInsertionIndex, numElidedAxes, inputShape) {
  let newStrides = [...strides];
  for (let i = newStrides.length; i < inputShape.length; i++)
    newStrides.push(1);
  for (let i = 0; i < numElidedAxes; i++)
    i === 0 ? newStrides[ellipsisInsertionIndex] = 1 : (newStrides.splice(
      ellipsisInsertionIndex,
      0,
      1
      /* element to add */
    ), newStrides.pop());
  return newStrides;
}
function unnormalizeAxis(ellipsisInsertionIndex, numElidedAxes, normalizedAxis) {
  return normalizedAxis <= ellipsisInsertionIndex ? normalizedAxis : normalizedAxis - (numElidedAxes - 1);
}
function getElidedAxes(numElidedAxes, ellipsisInsertionIndex) {
  let elidedAxes = [];
  for (let i = 0; i < numElidedAxes; i++)
    elidedAxes.push(ellipsisInsertionIndex + i);
  return elidedAxes;
}
function getNormalizedAxes(inputShape, ellipsisAxes, numInterpolatedAxes, begin, end, strides, beginMask, endMask, ellipsisMask) {
  let inputRank = inputShape.length, normalizedBegin = new Array(inputRank), normalizedEnd = new Array(inputRank), normalizedStrides = new Array(inputRank);
  if (ellipsisAxes.length && numInterpolatedAxes > 0) {
    let fullIndex = ellipsisAxes[0], numElidedAxes = numInterpolatedAxes + 1;
    normalizedBegin = startIndicesWithElidedDims(beginMask, fullIndex, numElidedAxes, begin, inputShape), normalizedEnd = stopIndicesWithElidedDims(endMask, fullIndex, numElidedAxes, end, inputShape), normalizedStrides = stridesWithElidedDims(strides, fullIndex, numElidedAxes, inputShape);
  } else
    for (let axis = 0; axis < inputRank; axis++)
      normalizedBegin[axis] = startForAxis(beginMask, begin, strides, inputShape, axis, ellipsisMask), normalizedEnd[axis] = stopForAxis(endMask, end, strides, inputShape, axis, ellipsisMask), normalizedStrides[axis] = stridesForAxis(strides, axis, ellipsisMask);
  return {
    begin: normalizedBegin,
    end: normalizedEnd,
    strides: normalizedStrides
  };
}
function startIndicesWithElidedDims(beginMask, ellipsisInsertionIndex, numElidedAxes, originalBegin, inputShape) {
  let newIndices = [...inputShape], elidedAxes = getElidedAxes(numElidedAxes, ellipsisInsertionIndex);
  for (let axis = 0; axis < newIndices.length; axis++)
    if (elidedAxes.indexOf(axis) > -1)
      newIndices[axis] = 0;
    else {
      let originalAxis = unnormalizeAxis(ellipsisInsertionIndex, numElidedAxes, axis), originalValue = originalBegin[originalAxis];
      beginMask & 1 << originalAxis && (originalValue = 0), newIndices[axis] = originalValue;
    }
  return newIndices;
}
function stopIndicesWithElidedDims(endMask, ellipsisInsertionIndex, numElidedAxes, originalEnd, inputShape) {
  let newIndices = [...inputShape], elidedAxes = getElidedAxes(numElidedAxes, ellipsisInsertionIndex);
  for (let axis = 0; axis < newIndices.length; axis++)
    if (elidedAxes.indexOf(axis) > -1)
      newIndices[axis] = Number.MAX_SAFE_INTEGER;
    else {
      let originalAxis = unnormalizeAxis(ellipsisInsertionIndex, numElidedAxes, axis), originalValue = originalEnd[originalAxis];
      endMask & 1 << originalAxis && (originalValue = Number.MAX_SAFE_INTEGER), newIndices[axis] = originalValue;
    }
  for (let i = 0; i < newIndices.length; i++) {
    let axisSize = inputShape[i];
    newIndices[i] < 0 && (newIndices[i] += axisSize), newIndices[i] = clamp(0, newIndices[i], inputShape[i]);
  }
  return newIndices;
}
function stridesForAxis(strides, axis, ellipsisMask) {
  let stride = strides[axis];
  return (ellipsisMask & 1 << axis || stride == null) && (stride = 1), stride;
}
function startForAxis(beginMask, startIndices, strides, inputShape, axis, ellipsisMask) {
  let start = startIndices[axis], stride = strides[axis] || 1;
  (beginMask & 1 << axis || ellipsisMask & 1 << axis || start == null) && (stride > 0 ? start = Number.MIN_SAFE_INTEGER : start = Number.MAX_SAFE_INTEGER);
  let axisSize = inputShape[axis];
  return start < 0 && (start += axisSize), start = clamp(0, start, axisSize - 1), start;
}
function stopForAxis(endMask, stopIndices, strides, inputShape, axis, ellipsisMask) {
  let stop = stopIndices[axis], stride = strides[axis] || 1;
  (endMask & 1 << axis || ellipsisMask & 1 << axis || stop == null) && (stride > 0 ? stop = Number.MAX_SAFE_INTEGER : stop = Number.MIN_SAFE_INTEGER);
  let axisSize = inputShape[axis];
  return stop < 0 && (stop += axisSize), stride > 0 ? stop = clamp(0, stop, axisSize) : stop = clamp(-1, stop, axisSize - 1), stop;
}
function isSliceContinous(shape, begin, size) {
  let firstNonOneAxis = size.length;
  for (let i = 0; i < size.length; i++)
    if (size[i] > 1) {
      firstNonOneAxis = i;
      break;
    }
  for (let i = firstNonOneAxis + 1; i < size.length; i++)
    if (begin[i] > 0 || size[i] !== shape[i])
      return !1;
  return !0;
}
function computeFlatOffset(begin, strides) {
  let flatOffset = begin.length > 0 ? begin[begin.length - 1] : 1;
  for (let i = 0; i < begin.length - 1; i++)
    flatOffset += begin[i] * strides[i];
  return flatOffset;
}
function parseSliceParams(x, begin, size) {
  let begin_, xRank = x.shape.length;
  typeof begin == "number" ? begin_ = [begin, ...new Array(xRank - 1).fill(0)] : begin.length < xRank ? begin_ = begin.concat(new Array(xRank - begin.length).fill(0)) : begin_ = begin.slice(), begin_.forEach((d) => {
    assert(d !== -1, () => "slice() does not support negative begin indexing.");
  });
  let size_;
  return size == null ? size_ = new Array(xRank).fill(-1) : typeof size == "number" ? size_ = [size, ...new Array(xRank - 1).fill(-1)] : size.length < xRank ? size_ = size.concat(new Array(xRank - size.length).fill(-1)) : size_ = size, size_ = size_.map((d, i) => d >= 0 ? d : (assert(d === -1, () => `Negative size values should be exactly -1 but got ${d} for the slice() size at index ${i}.`), x.shape[i] - begin_[i])), [begin_, size_];
}
function sliceInfo(xShape, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask) {
  let stridesNonNull;
  if (strides == null ? (stridesNonNull = new Array(begin.length), stridesNonNull.fill(1)) : stridesNonNull = strides, ellipsisMask != null && (ellipsisMask & ellipsisMask - 1) !== 0)
    throw new Error("Multiple ellipses in slice is not allowed.");
  let ellipsisSeen = !1, sparseSpec = {
    dims: stridesNonNull.length,
    numAddAxisAfterEllipsis: 0,
    begin: begin.slice(),
    end: end.slice(),
    strides: stridesNonNull.slice(),
    beginMask,
    endMask,
    ellipsisMask,
    newAxisMask,
    shrinkAxisMask
  };
  for (let i = 0; i < sparseSpec.dims; i++)
    ellipsisSeen && (1 << i & newAxisMask) !== 0 && sparseSpec.numAddAxisAfterEllipsis++, 1 << i & ellipsisMask && (ellipsisSeen = !0);
  ellipsisSeen || (sparseSpec.ellipsisMask |= 1 << sparseSpec.dims, sparseSpec.dims++);
  let denseSpec = {
    dims: xShape.length,
    beginMask: 0,
    endMask: 0,
    beginValid: !1,
    endValid: !1
  };
  buildDenseSpec(sparseSpec, denseSpec);
  let isIdentity = !0, sliceDim0 = !0, isSimpleSlice = !0, processingShape = [], finalShape = [];
  for (let i = 0; i < xShape.length; ++i) {
    if (denseSpec.strides[i] === 0)
      throw Error(`strides[${i}] must be non-zero`);
    let shrinkI = !!(denseSpec.shrinkAxisMask & 1 << i), dimI = xShape[i];
    if (dimI === -1) {
      processingShape.push(shrinkI ? 1 : -1);
      continue;
    }
    let masks = [denseSpec.beginMask & 1 << i, denseSpec.endMask & 1 << i], validRange = [
      denseSpec.strides[i] > 0 ? 0 : -1,
      denseSpec.strides[i] > 0 ? dimI : dimI - 1
    ];
    if (shrinkI && denseSpec.strides[i] <= 0)
      throw Error("only stride 1 allowed on non-range indexing.");
    isSimpleSlice = isSimpleSlice && denseSpec.strides[i] === 1;
    let beginAndEndMasked = !!(denseSpec.beginMask & 1 << i && denseSpec.endMask & 1 << i);
    if (denseSpec.beginValid && denseSpec.endValid) {
      if (shrinkI) {
        let xFwd = denseSpec.begin[i] < 0 ? dimI + denseSpec.begin[i] : denseSpec.begin[i];
        if (denseSpec.begin[i] = xFwd, denseSpec.end[i] = denseSpec.begin[i] + 1, xFwd < 0 || xFwd >= dimI)
          throw Error(`slice index ${denseSpec.begin[i]} of dimension ${i} out of bounds.`);
      } else
        denseSpec.begin[i] = canonical(denseSpec.begin[i], 0, denseSpec.strides[i], dimI, masks, validRange), denseSpec.end[i] = canonical(denseSpec.end[i], 1, denseSpec.strides[i], dimI, masks, validRange);
      let takeAllInDimension = denseSpec.strides[i] === 1 && denseSpec.begin[i] === 0 && denseSpec.end[i] === dimI;
      isIdentity = isIdentity && takeAllInDimension, sliceDim0 = sliceDim0 && (i === 0 && denseSpec.strides[i] === 1 || takeAllInDimension);
    } else
      isIdentity = isIdentity && denseSpec.strides[i] === 1 && beginAndEndMasked, sliceDim0 = sliceDim0 && (i === 0 && denseSpec.strides[i] === 1 || beginAndEndMasked);
    let intervalLength, knownInterval = !1;
    if (denseSpec.beginValid && denseSpec.endValid ? (intervalLength = denseSpec.end[i] - denseSpec.begin[i], knownInterval = !0) : shrinkI ? (intervalLength = 1, knownInterval = !0) : beginAndEndMasked && dimI >= 0 && (denseSpec.strides[i] < 0 ? intervalLength = -dimI : intervalLength = dimI, knownInterval = !0), knownInterval) {
      let sizeI;
      intervalLength === 0 || intervalLength < 0 != denseSpec.strides[i] < 0 ? sizeI = 0 : sizeI = Math.trunc(intervalLength / denseSpec.strides[i]) + (intervalLength % denseSpec.strides[i] !== 0 ? 1 : 0), processingShape.push(sizeI);
    } else
      processingShape.push(-1);
  }
  for (let denseDim = 0; denseDim < denseSpec.finalShapeGatherIndices.length; ++denseDim) {
    let gatherIndex = denseSpec.finalShapeGatherIndices[denseDim];
    gatherIndex >= 0 ? finalShape.push(processingShape[gatherIndex]) : gatherIndex === NEW_AXIS && finalShape.push(1);
  }
  return {
    finalShapeSparse: finalShape.filter((dim, i) => denseSpec.finalShapeGatherIndices[i] !== NEW_AXIS),
    finalShape,
    isIdentity,
    sliceDim0,
    isSimpleSlice,
    begin: denseSpec.begin,
    end: denseSpec.end,
    strides: denseSpec.strides
  };
}
function buildDenseSpec(sparse, dense) {
  dense.beginMask = 0, dense.endMask = 0, dense.shrinkAxisMask = 0;
  let fullIndex = 0;
  dense.beginValid = sparse.begin != null, dense.endValid = sparse.end != null, dense.begin = new Array(dense.dims), dense.end = new Array(dense.dims), dense.strides = new Array(dense.dims), dense.finalShapeGatherIndices = [], dense.finalShapeGatherIndicesSparse = [], dense.inputShapeGatherIndicesSparse = new Array(dense.dims);
  for (let i = 0; i < sparse.dims; i++)
    if (1 << i & sparse.ellipsisMask) {
      let nextIndex = Math.min(dense.dims - (sparse.dims - i) + 1 + sparse.numAddAxisAfterEllipsis, dense.dims);
      for (; fullIndex < nextIndex; fullIndex++)
        dense.begin[fullIndex] = 0, dense.end[fullIndex] = 0, dense.strides[fullIndex] = 1, dense.beginMask |= 1 << fullIndex, dense.endMask |= 1 << fullIndex, dense.finalShapeGatherIndices.push(fullIndex), dense.finalShapeGatherIndicesSparse.push(-1), dense.inputShapeGatherIndicesSparse[fullIndex] = i;
    } else if (1 << i & sparse.newAxisMask)
      dense.finalShapeGatherIndices.push(NEW_AXIS), dense.finalShapeGatherIndicesSparse.push(-1);
    else {
      if (fullIndex === dense.begin.length)
        throw Error(`Index out of range using input dim ${fullIndex}; input has only ${dense.dims} dims, ${dense.begin.length}.`);
      sparse.begin != null && (dense.begin[fullIndex] = sparse.begin[i]), sparse.end != null && (dense.end[fullIndex] = sparse.end[i]), dense.strides[fullIndex] = sparse.strides[i], sparse.beginMask & 1 << i && (dense.beginMask |= 1 << fullIndex), sparse.endMask & 1 << i && (dense.endMask |= 1 << fullIndex), sparse.shrinkAxisMask & 1 << i ? (dense.finalShapeGatherIndices.push(SHRINK_AXIS), dense.finalShapeGatherIndicesSparse.push(-1), dense.shrinkAxisMask |= 1 << fullIndex) : (dense.finalShapeGatherIndices.push(fullIndex), dense.finalShapeGatherIndicesSparse.push(i)), dense.inputShapeGatherIndicesSparse[fullIndex] = i, fullIndex++;
    }
}
function canonical(x, c, strideI, dimI, masks, validRange) {
  if (masks[c])
    return strideI > 0 ? validRange[c] : validRange[c + 1 & 1];
  {
    let xFwd = x < 0 ? dimI + x : x;
    return xFwd < validRange[0] ? validRange[0] : xFwd > validRange[1] ? validRange[1] : xFwd;
  }
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/concat.js
function concat_(tensors, axis = 0) {
  assert(tensors.length >= 1, () => "Pass at least one tensor to concat");
  let $tensors = convertToTensorArray(tensors, "tensors", "concat", "string_or_numeric");
  if ($tensors[0].dtype === "complex64" && $tensors.forEach((tensor) => {
    if (tensor.dtype !== "complex64")
      throw new Error(`Cannot concatenate complex64 tensors with a tensor
          with dtype ${tensor.dtype}. `);
  }), $tensors.length === 1)
    return clone($tensors[0]);
  let inputs = $tensors, attr = { axis };
  return ENGINE.runKernel(Concat, inputs, attr);
}
var concat = /* @__PURE__ */ op({ concat_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sigmoid.js
function sigmoid_(x) {
  let inputs = { x: convertToTensor(x, "x", "sigmoid", "float32") };
  return ENGINE.runKernel(Sigmoid, inputs);
}
var sigmoid = /* @__PURE__ */ op({ sigmoid_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/batch_to_space_nd.js
function batchToSpaceND_(x, blockShape, crops) {
  let $x = convertToTensor(x, "x", "batchToSpaceND"), prod = blockShape.reduce((a, b) => a * b);
  assert($x.rank >= 1 + blockShape.length, () => `input rank is ${$x.rank} but should be > than blockShape.length ${blockShape.length}`), assert(crops.length === blockShape.length, () => `crops.length is ${crops.length} but should be equal to blockShape.length  ${blockShape.length}`), assert($x.shape[0] % prod === 0, () => `input tensor batch is ${$x.shape[0]} but is not divisible by the product of the elements of blockShape ${blockShape.join(" * ")} === ${prod}`);
  let inputs = { x: $x }, attrs = { blockShape, crops };
  return ENGINE.runKernel(BatchToSpaceND, inputs, attrs);
}
var batchToSpaceND = /* @__PURE__ */ op({ batchToSpaceND_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/cos.js
function cos_(x) {
  let inputs = { x: convertToTensor(x, "x", "cos", "float32") };
  return ENGINE.runKernel("Cos", inputs);
}
var cos = /* @__PURE__ */ op({ cos_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/cosh.js
function cosh_(x) {
  let inputs = { x: convertToTensor(x, "x", "cosh", "float32") };
  return ENGINE.runKernel(Cosh, inputs);
}
var cosh = /* @__PURE__ */ op({ cosh_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/cumprod.js
function cumprod_(x, axis = 0, exclusive = !1, reverse2 = !1) {
  let inputs = { x: convertToTensor(x, "x", "cumprod") }, attrs = { axis, exclusive, reverse: reverse2 };
  return ENGINE.runKernel(Cumprod, inputs, attrs);
}
var cumprod = /* @__PURE__ */ op({ cumprod_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/elu.js
function elu_(x) {
  let inputs = { x: convertToTensor(x, "x", "elu", "float32") };
  return ENGINE.runKernel("Elu", inputs);
}
var elu = /* @__PURE__ */ op({ elu_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/expand_dims.js
function expandDims_(x, axis = 0) {
  let $x = convertToTensor(x, "x", "expandDims", "string_or_numeric");
  assert(axis <= $x.rank, () => "Axis must be <= rank of the tensor");
  let inputs = { input: $x }, attrs = { dim: axis };
  return ENGINE.runKernel(ExpandDims, inputs, attrs);
}
var expandDims = /* @__PURE__ */ op({ expandDims_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/gather.js
function gather_(x, indices, axis = 0, batchDims = 0) {
  let $x = convertToTensor(x, "x", "gather"), $indices = convertToTensor(indices, "indices", "gather", "int32"), inputs = { x: $x, indices: $indices }, attrs = { axis, batchDims };
  return ENGINE.runKernel(GatherV2, inputs, attrs);
}
var gather = /* @__PURE__ */ op({ gather_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/leaky_relu.js
function leakyRelu_(x, alpha = 0.2) {
  let inputs = { x: convertToTensor(x, "x", "leakyRelu") }, attrs = { alpha };
  return ENGINE.runKernel(LeakyRelu, inputs, attrs);
}
var leakyRelu = /* @__PURE__ */ op({ leakyRelu_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/logical_not.js
function logicalNot_(x) {
  let inputs = { x: convertToTensor(x, "x", "logicalNot", "bool") };
  return ENGINE.runKernel(LogicalNot, inputs);
}
var logicalNot = /* @__PURE__ */ op({ logicalNot_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/maximum.js
function maximum_(a, b) {
  let $a = convertToTensor(a, "a", "maximum"), $b = convertToTensor(b, "b", "maximum");
  [$a, $b] = makeTypesMatch($a, $b), $a.dtype === "bool" && ($a = cast($a, "int32"), $b = cast($b, "int32")), assertAndGetBroadcastShape($a.shape, $b.shape);
  let inputs = { a: $a, b: $b };
  return ENGINE.runKernel(Maximum, inputs);
}
var maximum = /* @__PURE__ */ op({ maximum_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/pad.js
function pad_(x, paddings, constantValue = 0) {
  let $x = convertToTensor(x, "x", "pad");
  if ($x.rank === 0)
    throw new Error("pad(scalar) is not defined. Pass non-scalar to pad");
  let attrs = { paddings, constantValue }, inputs = { x: $x };
  return ENGINE.runKernel(PadV2, inputs, attrs);
}
var pad = /* @__PURE__ */ op({ pad_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/prelu.js
function prelu_(x, alpha) {
  let $x = convertToTensor(x, "x", "prelu"), $alpha = convertToTensor(alpha, "alpha", "prelu"), inputs = { x: $x, alpha: $alpha };
  return ENGINE.runKernel(Prelu, inputs);
}
var prelu = /* @__PURE__ */ op({ prelu_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/relu.js
function relu_(x) {
  let inputs = { x: convertToTensor(x, "x", "relu") };
  return ENGINE.runKernel(Relu, inputs);
}
var relu = /* @__PURE__ */ op({ relu_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/relu6.js
function relu6_(x) {
  let inputs = { x: convertToTensor(x, "x", "relu6") };
  return ENGINE.runKernel(Relu6, inputs);
}
var relu6 = /* @__PURE__ */ op({ relu6_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/reverse.js
function reverse_(x, axis) {
  let inputs = { x: convertToTensor(x, "x", "reverse") }, attrs = { dims: axis };
  return ENGINE.runKernel(Reverse, inputs, attrs);
}
var reverse = /* @__PURE__ */ op({ reverse_ });

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/fused_util.js
function getFusedDyActivation(dy, y, activation) {
  if (activation == null || activation === "linear")
    return dy;
  if (activation === "relu")
    return mul(dy, step(y));
  throw new Error(`Cannot compute gradient for fused activation ${activation}.`);
}
function getFusedBiasGradient(bias, dyActivation) {
  let res = dyActivation, reduceAxes = getReductionAxes(bias.shape, dyActivation.shape);
  return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, bias.shape);
}
function applyActivation(x, activation, preluActivationWeights, leakyreluAlpha) {
  if (activation === "linear")
    return x;
  if (activation === "relu")
    return relu(x);
  if (activation === "elu")
    return elu(x);
  if (activation === "relu6")
    return relu6(x);
  if (activation === "prelu")
    return prelu(x, preluActivationWeights);
  if (activation === "leakyrelu")
    return leakyRelu(x, leakyreluAlpha);
  if (activation === "sigmoid")
    return sigmoid(x);
  throw new Error(`Unknown fused activation ${activation}.`);
}
var shouldFuse = (gradientDepth, activation) => !(gradientDepth > 0) || activation === "linear";

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/backends/backend_util.js
var backend_util_exports = {};
__export(backend_util_exports, {
  ERF_A1: () => ERF_A1,
  ERF_A2: () => ERF_A2,
  ERF_A3: () => ERF_A3,
  ERF_A4: () => ERF_A4,
  ERF_A5: () => ERF_A5,
  ERF_P: () => ERF_P,
  PARALLELIZE_THRESHOLD: () => PARALLELIZE_THRESHOLD,
  RowPartitionType: () => RowPartitionType,
  SELU_SCALE: () => SELU_SCALE,
  SELU_SCALEALPHA: () => SELU_SCALEALPHA,
  applyActivation: () => applyActivation,
  assertAndGetBroadcastShape: () => assertAndGetBroadcastShape,
  assertAxesAreInnerMostDims: () => assertAxesAreInnerMostDims,
  assertParamsConsistent: () => assertParamsConsistent,
  assignToTypedArray: () => assignToTypedArray,
  axesAreInnerMostDims: () => axesAreInnerMostDims,
  calculateShapes: () => calculateShapes,
  checkEinsumDimSizes: () => checkEinsumDimSizes,
  checkPadOnDimRoundingMode: () => checkPadOnDimRoundingMode,
  combineLocations: () => combineLocations,
  combineRaggedTensorToTensorShapes: () => combineRaggedTensorToTensorShapes,
  complexWithEvenIndex: () => complexWithEvenIndex,
  complexWithOddIndex: () => complexWithOddIndex,
  computeConv2DInfo: () => computeConv2DInfo,
  computeConv3DInfo: () => computeConv3DInfo,
  computeDefaultPad: () => computeDefaultPad,
  computeDilation2DInfo: () => computeDilation2DInfo,
  computeOptimalWindowSize: () => computeOptimalWindowSize,
  computeOutAndReduceShapes: () => computeOutAndReduceShapes,
  computeOutShape: () => computeOutShape2,
  computePool2DInfo: () => computePool2DInfo,
  computePool3DInfo: () => computePool3DInfo,
  convertConv2DDataFormat: () => convertConv2DDataFormat,
  decodeEinsumEquation: () => decodeEinsumEquation,
  eitherStridesOrDilationsAreOne: () => eitherStridesOrDilationsAreOne,
  expandShapeToKeepDim: () => expandShapeToKeepDim,
  exponent: () => exponent,
  exponents: () => exponents,
  fromStringArrayToUint8: () => fromStringArrayToUint8,
  fromUint8ToStringArray: () => fromUint8ToStringArray,
  getAxesPermutation: () => getAxesPermutation,
  getBroadcastDims: () => getBroadcastDims,
  getComplexWithIndex: () => getComplexWithIndex,
  getEinsumComputePath: () => getEinsumComputePath,
  getEinsumPermutation: () => getEinsumPermutation,
  getFusedBiasGradient: () => getFusedBiasGradient,
  getFusedDyActivation: () => getFusedDyActivation,
  getImageCenter: () => getImageCenter,
  getInnerMostAxes: () => getInnerMostAxes,
  getPermuted: () => getPermuted,
  getRaggedRank: () => getRaggedRank,
  getReductionAxes: () => getReductionAxes,
  getReshaped: () => getReshaped,
  getReshapedPermuted: () => getReshapedPermuted,
  getRowPartitionTypesHelper: () => getRowPartitionTypesHelper,
  getSliceBeginCoords: () => getSliceBeginCoords,
  getSliceSize: () => getSliceSize,
  getSparseFillEmptyRowsIndicesDenseShapeMismatch: () => getSparseFillEmptyRowsIndicesDenseShapeMismatch,
  getSparseFillEmptyRowsNegativeIndexErrorMessage: () => getSparseFillEmptyRowsNegativeIndexErrorMessage,
  getSparseFillEmptyRowsOutOfRangeIndexErrorMessage: () => getSparseFillEmptyRowsOutOfRangeIndexErrorMessage,
  getSparseReshapeEmptyTensorZeroOutputDimErrorMessage: () => getSparseReshapeEmptyTensorZeroOutputDimErrorMessage,
  getSparseReshapeInputOutputMismatchErrorMessage: () => getSparseReshapeInputOutputMismatchErrorMessage,
  getSparseReshapeInputOutputMultipleErrorMessage: () => getSparseReshapeInputOutputMultipleErrorMessage,
  getSparseReshapeMultipleNegativeOneOutputDimErrorMessage: () => getSparseReshapeMultipleNegativeOneOutputDimErrorMessage,
  getSparseReshapeNegativeOutputDimErrorMessage: () => getSparseReshapeNegativeOutputDimErrorMessage,
  getSparseSegmentReductionIndicesOutOfRangeErrorMessage: () => getSparseSegmentReductionIndicesOutOfRangeErrorMessage,
  getSparseSegmentReductionNegativeSegmentIdsErrorMessage: () => getSparseSegmentReductionNegativeSegmentIdsErrorMessage,
  getSparseSegmentReductionNonIncreasingSegmentIdsErrorMessage: () => getSparseSegmentReductionNonIncreasingSegmentIdsErrorMessage,
  getSparseSegmentReductionSegmentIdOutOfRangeErrorMessage: () => getSparseSegmentReductionSegmentIdOutOfRangeErrorMessage,
  getUndoAxesPermutation: () => getUndoAxesPermutation,
  isIdentityPermutation: () => isIdentityPermutation,
  log: () => log,
  mergeRealAndImagArrays: () => mergeRealAndImagArrays,
  prepareAndValidate: () => prepareAndValidate,
  prepareSplitSize: () => prepareSplitSize,
  segment_util: () => segment_util_exports,
  shouldFuse: () => shouldFuse,
  slice_util: () => slice_util_exports,
  splitRealAndImagArrays: () => splitRealAndImagArrays,
  stridesOrDilationsArePositive: () => stridesOrDilationsArePositive,
  tupleValuesAreOne: () => tupleValuesAreOne,
  upcastType: () => upcastType,
  validateDefaultValueShape: () => validateDefaultValueShape,
  validateInput: () => validateInput,
  validateUpdateShape: () => validateUpdateShape,
  warn: () => warn
});

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/concat_util.js
function assertParamsConsistent(shapes, axis) {
  let rank = shapes[0].length;
  shapes.forEach((shape, i) => {
    assert(shape.length === rank, () => `Error in concat${rank}D: rank of tensors[${i}] must be the same as the rank of the rest (${rank})`);
  }), assert(axis >= 0 && axis < rank, () => `Error in concat${rank}D: axis must be between 0 and ${rank - 1}.`);
  let firstShape = shapes[0];
  shapes.forEach((shape, i) => {
    for (let r = 0; r < rank; r++)
      assert(r === axis || shape[r] === firstShape[r], () => `Error in concat${rank}D: Shape of tensors[${i}] (${shape}) does not match the shape of the rest (${firstShape}) along the non-concatenated axis ${i}.`);
  });
}
function computeOutShape2(shapes, axis) {
  let outputShape = shapes[0].slice();
  for (let i = 1; i < shapes.length; i++)
    outputShape[axis] += shapes[i][axis];
  return outputShape;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/ragged_to_dense_util.js
var RowPartitionType;
(function(RowPartitionType2) {
  RowPartitionType2[RowPartitionType2.FIRST_DIM_SIZE = 0] = "FIRST_DIM_SIZE", RowPartitionType2[RowPartitionType2.VALUE_ROWIDS = 1] = "VALUE_ROWIDS", RowPartitionType2[RowPartitionType2.ROW_LENGTHS = 2] = "ROW_LENGTHS", RowPartitionType2[RowPartitionType2.ROW_SPLITS = 3] = "ROW_SPLITS", RowPartitionType2[RowPartitionType2.ROW_LIMITS = 4] = "ROW_LIMITS", RowPartitionType2[RowPartitionType2.ROW_STARTS = 5] = "ROW_STARTS";
})(RowPartitionType || (RowPartitionType = {}));
function combineRaggedTensorToTensorShapes(raggedRank, shape, valueShape) {
  let outputShape = new Array();
  if (valueShape == null && shape == null)
    return outputShape;
  if (shape == null)
    for (; outputShape.length < raggedRank + valueShape.length; )
      outputShape.push(-1);
  else
    outputShape = shape.slice();
  if (valueShape == null)
    return outputShape;
  if (raggedRank + valueShape.length !== outputShape.length)
    throw new Error(`rt input.shape and shape=${shape} are incompatible: rt input.rank = ${raggedRank + valueShape.length}, but shape.rank = ${outputShape.length}`);
  for (let i = 1; i < valueShape.length; ++i) {
    let valueDim = valueShape[i], outputShapeDimIndex = outputShape[outputShape.length - valueShape.length + i], outputShapeDim = outputShape[outputShapeDimIndex];
    if (valueDim >= 0)
      if (outputShapeDim >= 0) {
        if (outputShapeDim !== valueDim)
          throw new Error(`rt input.shape and shape=${shape} are incompatible: rt input.shape[${i + raggedRank}] = ${valueDim} but shape[${i + raggedRank}] = ${outputShapeDim}`);
      } else
        outputShape[outputShapeDimIndex] = valueDim;
  }
  return outputShape;
}
function getRowPartitionTypesHelper(rowPartitionTypeStrings) {
  let stringToType = {
    FIRST_DIM_SIZE: RowPartitionType.FIRST_DIM_SIZE,
    VALUE_ROWIDS: RowPartitionType.VALUE_ROWIDS,
    ROW_LENGTHS: RowPartitionType.ROW_LENGTHS,
    ROW_SPLITS: RowPartitionType.ROW_SPLITS,
    ROW_LIMITS: RowPartitionType.ROW_LIMITS,
    ROW_STARTS: RowPartitionType.ROW_STARTS
  }, result = [];
  for (let typeStr of rowPartitionTypeStrings)
    if (typeStr in stringToType)
      result.push(stringToType[typeStr]);
    else
      break;
  return result;
}
function getRaggedRank(rowPartitionTypes) {
  return rowPartitionTypes.length === 0 ? 0 : rowPartitionTypes[0] === RowPartitionType.FIRST_DIM_SIZE ? rowPartitionTypes.length - 1 : rowPartitionTypes.length;
}
function validateDefaultValueShape(defaultValueShape, valueShape) {
  if (defaultValueShape == null || valueShape == null)
    return;
  let defaultNDims = defaultValueShape.length, valuesNDims = valueShape.length;
  if (defaultNDims >= valuesNDims)
    throw new Error(`defaultValue.shape=${defaultValueShape} and ragged tensor flatValues.shape=${valueShape}, are incompatible: defaultValue.rank = ${defaultNDims} must be less than ragged tensor input flatValues.rank = ${valuesNDims})`);
  for (let i = 0; i < Math.min(defaultNDims, valuesNDims - 1); ++i) {
    let defaultDim = defaultValueShape[i], valueDim = valueShape[i + 1];
    if (defaultDim >= 0 && valueDim >= 0 && defaultDim !== 1 && defaultDim !== valueDim)
      throw new Error(`defaultValue.shape=${defaultValueShape}, and ragged tensor input flatValues.shape=${valueShape} are incompatible: defaultValue.shape[${i - defaultValueShape.length}] = ${defaultDim} but ragged tensor input.flatValues.shape[${i - defaultValueShape.length}] = ${valueDim}`);
  }
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/reduce_util.js
var PARALLELIZE_THRESHOLD = 30;
function computeOptimalWindowSize(inSize) {
  return inSize <= PARALLELIZE_THRESHOLD ? inSize : nearestDivisor(inSize, Math.floor(Math.sqrt(inSize)));
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/rotate_util.js
function getImageCenter(center, imageHeight, imageWidth) {
  let centerX = imageWidth * (typeof center == "number" ? center : center[0]), centerY = imageHeight * (typeof center == "number" ? center : center[1]);
  return [centerX, centerY];
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/array_ops_util.js
function getReshaped(inputShape, blockShape, prod, batchToSpace = !0) {
  let reshaped = [];
  if (batchToSpace)
    reshaped = reshaped.concat(blockShape.slice(0)), reshaped.push(inputShape[0] / prod), reshaped = reshaped.concat(inputShape.slice(1));
  else {
    reshaped = reshaped.concat(inputShape[0]);
    let spatialLength = blockShape.length;
    for (let i = 0; i < spatialLength; ++i)
      reshaped = reshaped.concat([inputShape[i + 1] / blockShape[i], blockShape[i]]);
    reshaped = reshaped.concat(inputShape.slice(spatialLength + 1));
  }
  return reshaped;
}
function getPermuted(reshapedRank, blockShapeRank, batchToSpace = !0) {
  let permuted = [];
  if (batchToSpace) {
    permuted.push(blockShapeRank);
    for (let i = blockShapeRank + 1; i < reshapedRank; ++i)
      i <= 2 * blockShapeRank ? (permuted.push(i), permuted.push(i - (blockShapeRank + 1))) : permuted.push(i);
  } else {
    let permutedBeforeBatch = [], permutedAfterBatch = [];
    for (let i = 1; i < reshapedRank; ++i)
      i >= blockShapeRank * 2 + 1 || i % 2 === 1 ? permutedAfterBatch.push(i) : permutedBeforeBatch.push(i);
    permuted.push(...permutedBeforeBatch), permuted.push(0), permuted.push(...permutedAfterBatch);
  }
  return permuted;
}
function getReshapedPermuted(inputShape, blockShape, prod, batchToSpace = !0) {
  let reshapedPermuted = [];
  batchToSpace ? reshapedPermuted.push(inputShape[0] / prod) : reshapedPermuted.push(inputShape[0] * prod);
  for (let i = 1; i < inputShape.length; ++i)
    i <= blockShape.length ? batchToSpace ? reshapedPermuted.push(blockShape[i - 1] * inputShape[i]) : reshapedPermuted.push(inputShape[i] / blockShape[i - 1]) : reshapedPermuted.push(inputShape[i]);
  return reshapedPermuted;
}
function getSliceBeginCoords(crops, blockShape) {
  let sliceBeginCoords = [0];
  for (let i = 0; i < blockShape; ++i)
    sliceBeginCoords.push(crops[i][0]);
  return sliceBeginCoords;
}
function getSliceSize(uncroppedShape, crops, blockShape) {
  let sliceSize = uncroppedShape.slice(0, 1);
  for (let i = 0; i < blockShape; ++i)
    sliceSize.push(uncroppedShape[i + 1] - crops[i][0] - crops[i][1]);
  return sliceSize;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/selu_util.js
var SELU_SCALEALPHA = 1.7580993408473768, SELU_SCALE = 1.0507009873554805;

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/erf_util.js
var ERF_P = 0.3275911, ERF_A1 = 0.254829592, ERF_A2 = -0.284496736, ERF_A3 = 1.421413741, ERF_A4 = -1.453152027, ERF_A5 = 1.061405429;

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/backends/complex_util.js
function mergeRealAndImagArrays(real2, imag2) {
  if (real2.length !== imag2.length)
    throw new Error(`Cannot merge real and imag arrays of different lengths. real:${real2.length}, imag: ${imag2.length}.`);
  let result = new Float32Array(real2.length * 2);
  for (let i = 0; i < result.length; i += 2)
    result[i] = real2[i / 2], result[i + 1] = imag2[i / 2];
  return result;
}
function splitRealAndImagArrays(complex2) {
  let real2 = new Float32Array(complex2.length / 2), imag2 = new Float32Array(complex2.length / 2);
  for (let i = 0; i < complex2.length; i += 2)
    real2[i / 2] = complex2[i], imag2[i / 2] = complex2[i + 1];
  return { real: real2, imag: imag2 };
}
function complexWithEvenIndex(complex2) {
  let len = Math.ceil(complex2.length / 4), real2 = new Float32Array(len), imag2 = new Float32Array(len);
  for (let i = 0; i < complex2.length; i += 4)
    real2[Math.floor(i / 4)] = complex2[i], imag2[Math.floor(i / 4)] = complex2[i + 1];
  return { real: real2, imag: imag2 };
}
function complexWithOddIndex(complex2) {
  let len = Math.floor(complex2.length / 4), real2 = new Float32Array(len), imag2 = new Float32Array(len);
  for (let i = 2; i < complex2.length; i += 4)
    real2[Math.floor(i / 4)] = complex2[i], imag2[Math.floor(i / 4)] = complex2[i + 1];
  return { real: real2, imag: imag2 };
}
function getComplexWithIndex(complex2, index) {
  let real2 = complex2[index * 2], imag2 = complex2[index * 2 + 1];
  return { real: real2, imag: imag2 };
}
function assignToTypedArray(data, real2, imag2, index) {
  data[index * 2] = real2, data[index * 2 + 1] = imag2;
}
function exponents(n, inverse) {
  let real2 = new Float32Array(n / 2), imag2 = new Float32Array(n / 2);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = (inverse ? 2 : -2) * Math.PI * (i / n);
    real2[i] = Math.cos(x), imag2[i] = Math.sin(x);
  }
  return { real: real2, imag: imag2 };
}
function exponent(k, n, inverse) {
  let x = (inverse ? 2 : -2) * Math.PI * (k / n), real2 = Math.cos(x), imag2 = Math.sin(x);
  return { real: real2, imag: imag2 };
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/backends/einsum_util.js
var ARROW = "->", ARROW_REGEX = /->/g, COMMA = ",", ELLIPSIS = "...";
function decodeEinsumEquation(equation, numTensors) {
  equation = equation.replace(/\s/g, "");
  let numArrows = (equation.length - equation.replace(ARROW_REGEX, "").length) / ARROW.length;
  if (numArrows < 1)
    throw new Error("Equations without an arrow are not supported.");
  if (numArrows > 1)
    throw new Error(`Equation must contain exactly one arrow ("${ARROW}").`);
  let [inputString, outputString] = equation.split(ARROW);
  assert(inputString.indexOf(ELLIPSIS) === -1, () => `The ellipsis notation ("${ELLIPSIS}") is not supported yet.`);
  let inputTerms = inputString.split(COMMA), numInputs = inputTerms.length;
  if (numTensors !== numInputs)
    throw new Error(`Expected ${numInputs} input tensors, received ${numTensors}`);
  if (numInputs > 2)
    throw new Error("Support for more than 2 input tensors is not implemented yet.");
  let allDims = [];
  for (let i = 0; i < outputString.length; ++i) {
    let dimName = outputString[i];
    if (!inputTerms.some((inputTerm) => inputTerm.indexOf(dimName) !== -1))
      throw new Error(`Output subscripts contain the label ${dimName} not present in the input subscripts.`);
    allDims.indexOf(dimName) === -1 && allDims.push(dimName);
  }
  for (let i = 0; i < inputString.length; ++i) {
    let dimName = inputString[i];
    allDims.indexOf(dimName) === -1 && dimName !== COMMA && allDims.push(dimName);
  }
  let idDims = new Array(inputTerms.length);
  for (let i = 0; i < numInputs; ++i) {
    if (new Set(inputTerms[i].split("")).size !== inputTerms[i].length)
      throw new Error(`Found duplicate axes in input component ${inputTerms[i]}. Support for duplicate axes in input is not implemented yet.`);
    idDims[i] = [];
    for (let j = 0; j < inputTerms[i].length; ++j)
      idDims[i].push(allDims.indexOf(inputTerms[i][j]));
  }
  let numDims = allDims.length, numOutDims = outputString.length, summedDims = [];
  for (let i = numOutDims; i < numDims; ++i)
    summedDims.push(i);
  return { allDims, summedDims, idDims };
}
function getEinsumPermutation(nDims, idDims) {
  let permutationIndices = new Array(nDims);
  permutationIndices.fill(-1);
  for (let i = 0; i < idDims.length; ++i)
    permutationIndices[idDims[i]] = i;
  let expandDims2 = [];
  for (let i = 0; i < nDims; ++i)
    permutationIndices[i] === -1 && expandDims2.push(i);
  return permutationIndices = permutationIndices.filter((d) => d !== -1), { permutationIndices, expandDims: expandDims2 };
}
function checkEinsumDimSizes(nDims, idDims, tensors) {
  let dimSizes = new Array(nDims);
  for (let i = 0; i < tensors.length; ++i) {
    let shape = tensors[i].shape;
    for (let j = 0; j < idDims[i].length; ++j)
      dimSizes[idDims[i][j]] === void 0 ? dimSizes[idDims[i][j]] = shape[j] : assert(dimSizes[idDims[i][j]] === shape[j], () => `Expected dimension ${dimSizes[idDims[i][j]]} at axis ${j} of input shaped ${JSON.stringify(shape)}, but got dimension ${shape[j]}`);
  }
}
function getEinsumComputePath(summedDims, idDims) {
  let path = summedDims, steps = [], nSteps = 0;
  summedDims.length === 0 && path.push(-1), nSteps = summedDims.length + 1;
  for (let i = 0; i < nSteps; ++i)
    steps.push([]);
  let computedTermIndices = [];
  for (let i = 0; i < path.length; ++i) {
    let summedDim = path[i], termIndices = findTermsWithDim(idDims, summedDim);
    for (let termIndex of termIndices)
      computedTermIndices.indexOf(termIndex) === -1 && (steps[i].push(termIndex), computedTermIndices.push(termIndex));
  }
  return { path, steps };
}
function isIdentityPermutation(perm) {
  return perm.every((dim, index) => dim === index);
}
function findTermsWithDim(idDims, dim) {
  let termIndices = [];
  for (let i = 0; i < idDims.length; ++i)
    (idDims[i].length === 0 || idDims[i].indexOf(dim) !== -1 || dim === -1) && termIndices.push(i);
  return termIndices;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/split_util.js
function prepareSplitSize(x, numOrSizeSplits, axis = 0) {
  let splitSizes = [];
  if (typeof numOrSizeSplits == "number")
    assert(x.shape[axis] % numOrSizeSplits === 0, () => "Number of splits must evenly divide the axis."), splitSizes = new Array(numOrSizeSplits).fill(x.shape[axis] / numOrSizeSplits);
  else {
    let numOfNegs = numOrSizeSplits.reduce((count, value) => (value === -1 && (count += 1), count), 0);
    assert(numOfNegs <= 1, () => "There should be only one negative value in split array.");
    let negIndex = numOrSizeSplits.indexOf(-1);
    if (negIndex !== -1) {
      let total = numOrSizeSplits.reduce((a, b) => b > 0 ? a + b : a);
      numOrSizeSplits[negIndex] = x.shape[axis] - total;
    }
    assert(x.shape[axis] === numOrSizeSplits.reduce((a, b) => a + b), () => "The sum of sizes must match the size of the axis dimension."), splitSizes = numOrSizeSplits;
  }
  return splitSizes;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sparse/sparse_fill_empty_rows_util.js
function getSparseFillEmptyRowsIndicesDenseShapeMismatch(indicesLength) {
  return `Received SparseTensor with denseShape[0] = 0 but
  indices.shape[0] = ${indicesLength}`;
}
function getSparseFillEmptyRowsNegativeIndexErrorMessage(index, value) {
  return `indices(${index}, 0) is invalid: ${value} < 0`;
}
function getSparseFillEmptyRowsOutOfRangeIndexErrorMessage(index, value, limit) {
  return `indices(${index}, 0) is invalid: ${value} >= ${limit}`;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sparse/sparse_reshape_util.js
function getSparseReshapeMultipleNegativeOneOutputDimErrorMessage(dim1, dim2) {
  return `only one output dimension may be -1, not both ${dim1} and ${dim2}`;
}
function getSparseReshapeNegativeOutputDimErrorMessage(dim, value) {
  return `size ${dim} must be non-negative, not ${value}`;
}
function getSparseReshapeEmptyTensorZeroOutputDimErrorMessage() {
  return "reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are non-zero";
}
function getSparseReshapeInputOutputMultipleErrorMessage(inputShape, outputShape) {
  let inputSize = sizeFromShape(inputShape), outputSize = sizeFromShape(outputShape);
  return `Input to reshape is a SparseTensor with ${inputSize}
  dense values, but the requested shape requires a multiple of ${outputSize}. inputShape=${inputShape} outputShape= ${outputShape}`;
}
function getSparseReshapeInputOutputMismatchErrorMessage(inputShape, outputShape) {
  let inputSize = sizeFromShape(inputShape), outputSize = sizeFromShape(outputShape);
  return `Input to reshape is a tensor with ${inputSize} dense values, but the requested shape has ${outputSize}. inputShape=${inputShape} outputShape=${outputShape}`;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/sparse/sparse_segment_reduction_util.js
function getSparseSegmentReductionNegativeSegmentIdsErrorMessage() {
  return "segment ids must be >= 0";
}
function getSparseSegmentReductionNonIncreasingSegmentIdsErrorMessage() {
  return "segment ids are not increasing";
}
function getSparseSegmentReductionSegmentIdOutOfRangeErrorMessage(segmentId, outputRows) {
  return `Segment id ${segmentId} out of range [0, ${outputRows}), possibly because segmentIds input is not sorted.`;
}
function getSparseSegmentReductionIndicesOutOfRangeErrorMessage(index, indexValue, inputRows) {
  return `Bad: indices[${index}] == ${indexValue} out of range [0, ${inputRows})`;
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/segment_util.js
var segment_util_exports = {};
__export(segment_util_exports, {
  collectGatherOpShapeInfo: () => collectGatherOpShapeInfo,
  computeOutShape: () => computeOutShape3,
  segOpComputeOptimalWindowSize: () => segOpComputeOptimalWindowSize
});
function segOpComputeOptimalWindowSize(inSize, numSegments) {
  let done = !1, res;
  for (inSize <= PARALLELIZE_THRESHOLD ? (res = inSize, done = !0) : res = nearestDivisor(inSize, Math.floor(Math.sqrt(inSize))); !done; )
    res > numSegments || res === inSize ? done = !0 : res = nearestDivisor(inSize, res + 1);
  return res;
}
function computeOutShape3(aShape, axis, numSegments) {
  let outShape = [], rank = aShape.length;
  for (let dim = 0; dim < rank; dim++)
    dim !== axis ? outShape.push(aShape[dim]) : outShape.push(numSegments);
  return outShape;
}
function collectGatherOpShapeInfo(x, indices, axis, batchDims) {
  let indicesRank = indices.shape.length, xRank = x.shape.length;
  if (batchDims !== 0 && (batchDims < -indicesRank || batchDims > indicesRank))
    throw new Error(`Expect batchDims in the range of [-${indicesRank}, ${indicesRank}], but got ${batchDims}`);
  if (batchDims < 0 && (batchDims += indicesRank), batchDims > xRank)
    throw new Error(`batchDims (${batchDims}) must be less than rank(x) (
    ${xRank}).`);
  if (axis < batchDims)
    throw new Error(`batchDims (${batchDims}) must be less than or equal to axis (${axis}).`);
  for (let i = 0; i < batchDims; ++i)
    if (x.shape[i] !== indices.shape[i])
      throw new Error(`x.shape[${i}]: ${x.shape[i]} should be equal to indices.shape[${i}]: ${indices.shape[i]}.`);
  let dimSize = x.shape[axis], outputShape = [], batchSize = 1, outerSize = 1, sliceSize = 1;
  for (let i = 0; i < batchDims; ++i)
    outputShape.push(x.shape[i]), batchSize *= x.shape[i];
  for (let i = batchDims; i < axis; i++)
    outputShape.push(x.shape[i]), outerSize *= x.shape[i];
  for (let i = batchDims; i < indicesRank; i++)
    outputShape.push(indices.shape[i]);
  for (let i = axis + 1; i < xRank; i++)
    outputShape.push(x.shape[i]), sliceSize *= x.shape[i];
  return { batchSize, sliceSize, outerSize, dimSize, outputShape };
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/backends/backend_util.js
function fromUint8ToStringArray(vals) {
  try {
    return vals.map((val) => decodeString(val));
  } catch (err) {
    throw new Error(`Failed to decode encoded string bytes into utf-8, error: ${err}`);
  }
}
function fromStringArrayToUint8(strings) {
  return strings.map((s) => encodeString(s));
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Prod_grad.js
function prodGradFn_(x, dy, axis) {
  let expandedYShape = x.shape.slice();
  expandedYShape[axis] = 1;
  let expandedDy = reshape(dy, expandedYShape), xCumProd = cumprod(x, axis, !0, !1), xCumRevProd = cumprod(x, axis, !0, !0), dx = mul(xCumProd, xCumRevProd);
  return mul(expandedDy, dx);
}
function prodsGradFn_(x, dy, axis) {
  let xRank = x.shape.length, finalProdAxis = xRank - axis.length, xPermutation = backend_util_exports.getAxesPermutation(axis, xRank), permutedX = x;
  xPermutation != null && (permutedX = transpose(x, xPermutation));
  let newShape = permutedX.shape.slice(), endPartShape = newShape.splice(xRank - axis.length, axis.length).reduce((p, c) => p * c, 1);
  newShape.push(endPartShape);
  let reshapedPermutedX = permutedX.reshape(newShape), prodGrad = prodGradFn_(reshapedPermutedX, dy, finalProdAxis);
  if (prodGrad = prodGrad.reshape(permutedX.shape), xPermutation != null) {
    let undoPermutation = backend_util_exports.getUndoAxesPermutation(xPermutation);
    prodGrad = transpose(prodGrad, undoPermutation);
  }
  return prodGrad;
}
var prodGradConfig = {
  kernelName: Prod,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { axis } = attrs, axisArr = [];
    return axis == null ? axisArr = x.shape.map((_, i) => i) : typeof axis == "number" ? axisArr = [axis] : axisArr = axis, { x: () => prodsGradFn_(x, dy, axisArr) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/RealDiv_grad.js
var divGradConfig = {
  kernelName: RealDiv,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved, outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    return { a: () => {
      let res = div(dy, cast(b, "float32")), reduceAxes = getReductionAxes(a.shape, outShape);
      return reduceAxes.length > 0 ? reshape(sum(res, reduceAxes), a.shape) : res;
    }, b: () => {
      let res = mul(dy, cast(a, "float32")), reduceAxes = getReductionAxes(b.shape, outShape);
      reduceAxes.length > 0 && (res = reshape(sum(res, reduceAxes), b.shape));
      let tmp = square(b);
      return neg(div(res, cast(tmp, "float32")));
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Reciprocal_grad.js
var reciprocalGradConfig = {
  kernelName: Reciprocal,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => div(dy, neg(square(x))) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Relu6_grad.js
var relu6GradConfig = {
  kernelName: Relu6,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved, mask = mul(lessEqual(x, 6), step(x));
    return { x: () => mul(dy, cast(mask, "float32")) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Relu_grad.js
var reluGradConfig = {
  kernelName: Relu,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(dy, cast(step(x), "float32")) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Reshape_grad.js
var reshapeGradConfig = {
  kernelName: Reshape,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => reshape(dy, x.shape) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/ResizeBilinear_grad.js
var resizeBilinearGradConfig = {
  kernelName: ResizeBilinear,
  inputsToSave: ["images"],
  gradFunc: (dy, saved, attrs) => {
    let [images] = saved, inputs = { dy, images };
    return { images: () => (
      // tslint:disable-next-line: no-unnecessary-type-assertion
      ENGINE.runKernel(ResizeBilinearGrad, inputs, attrs)
    ) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/ResizeNearestNeighbor_grad.js
var resizeNearestNeighborGradConfig = {
  kernelName: ResizeNearestNeighbor,
  inputsToSave: ["images"],
  gradFunc: (dy, saved, attrs) => {
    let [images] = saved, inputs = { dy, images };
    return { images: () => (
      // tslint:disable-next-line: no-unnecessary-type-assertion
      ENGINE.runKernel(ResizeNearestNeighborGrad, inputs, attrs)
    ) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Reverse_grad.js
var reverseGradConfig = {
  kernelName: Reverse,
  gradFunc: (dy, saved, attrs) => {
    let { dims } = attrs, axes = parseAxisParam(dims, dy.shape);
    return { x: () => reverse(dy, axes) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Round_grad.js
var roundGradConfig = {
  kernelName: Round,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Rsqrt_grad.js
var rsqrtGradConfig = {
  kernelName: Rsqrt,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => neg(div(dy, mul(pow(x, 1.5), 2))) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Select_grad.js
var selectGradConfig = {
  kernelName: Select,
  inputsToSave: ["condition"],
  gradFunc: (dy, saved) => {
    let [condition] = saved;
    return {
      // TODO(julianoks): Return null for condition gradient
      // when backprop supports it.
      condition: () => cast(zerosLike(condition), "float32"),
      t: () => mul(dy, cast(condition, dy.dtype)),
      e: () => mul(dy, cast(logicalNot(condition), dy.dtype))
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Selu_grad.js
var seluGradConfig = {
  kernelName: Selu,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return {
      x: () => {
        let mask = greater(x, scalar(0)), scaleAlpha = scalar(SELU_SCALEALPHA), scale = scalar(SELU_SCALE), greaterThanZeroDer = mul(dy, scale), lessEqualZeroDer = mul(mul(dy, scaleAlpha), exp(cast(x, "float32")));
        return where(mask, greaterThanZeroDer, lessEqualZeroDer);
      }
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Sigmoid_grad.js
var sigmoidGradConfig = {
  kernelName: Sigmoid,
  outputsToSave: [!0],
  gradFunc: (dy, saved) => {
    let [y] = saved;
    return { x: () => mul(dy, mul(y, sub(scalar(1), y))) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Sign_grad.js
var signGradConfig = {
  kernelName: Sign,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Sin_grad.js
var sinGradConfig = {
  kernelName: "Sin",
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(cos(cast(x, "float32")), dy) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Sinh_grad.js
var sinhGradConfig = {
  kernelName: Sinh,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(cosh(cast(x, "float32")), dy) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Slice_grad.js
var sliceGradConfig = {
  kernelName: Slice,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { begin, size } = attrs, inputShape = x.shape, [begin_, size_] = parseSliceParams(x, begin, size), paddings = [];
    for (let i = 0; i < dy.rank; i++)
      paddings.push([begin_[i], inputShape[i] - begin_[i] - size_[i]]);
    return { x: () => pad(dy, paddings) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Softmax_grad.js
var softmaxGradConfig = {
  kernelName: Softmax,
  outputsToSave: [!0],
  gradFunc: (dy, saved, attrs) => {
    let [y] = saved, { dim } = attrs, keepDims = !0, dyTimesY = mul(dy, y);
    return {
      logits: () => sub(dyTimesY, mul(sum(dyTimesY, [dim], keepDims), y))
    };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Softplus_grad.js
var softplusGradConfig = {
  kernelName: Softplus,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(dy, sigmoid(x)) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/SpaceToBatchND_grad.js
var spaceToBatchNDGradConfig = {
  kernelName: SpaceToBatchND,
  gradFunc: (dy, saved, attrs) => {
    let { blockShape, paddings } = attrs;
    return { x: () => batchToSpaceND(dy, blockShape, paddings) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/SplitV_grad.js
var splitVGradConfig = {
  kernelName: SplitV,
  gradFunc: (dy, saved, attrs) => {
    let { axis } = attrs;
    return { x: () => concat(dy, axis) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Sqrt_grad.js
var sqrtGradConfig = {
  kernelName: Sqrt,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => div(dy, mul(sqrt(cast(x, "float32")), 2)) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Square_grad.js
var squareGradConfig = {
  kernelName: Square,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => mul(dy, mul(cast(x, "float32"), 2)) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/SquaredDifference_grad.js
var squaredDifferenceGradConfig = {
  kernelName: SquaredDifference,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved, two = scalar(2);
    return { a: () => mul(dy, mul(two, sub(a, b))), b: () => mul(dy, mul(two, sub(b, a))) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Step_grad.js
var stepGradConfig = {
  kernelName: Step,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Sub_grad.js
var subGradConfig = {
  kernelName: "Sub",
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    let [a, b] = saved, outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    return { a: () => {
      let res = dy, reduceAxes = getReductionAxes(a.shape, outShape);
      return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(res, a.shape);
    }, b: () => {
      let res = dy, reduceAxes = getReductionAxes(b.shape, outShape);
      return reduceAxes.length > 0 && (res = sum(res, reduceAxes)), reshape(neg(res), b.shape);
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Sum_grad.js
var sumGradConfig = {
  kernelName: "Sum",
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, expandedDyShape = x.shape.slice(), { axis } = attrs;
    parseAxisParam(axis, x.shape).forEach((axis2) => {
      expandedDyShape[axis2] = 1;
    });
    let expandedDy = reshape(dy, expandedDyShape), derX = mul(expandedDy, ones2(x.shape, "float32"));
    return { x: () => derX };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Tan_grad.js
var tanGradConfig = {
  kernelName: "Tan",
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    let [x] = saved;
    return { x: () => div(dy, square(cos(x))) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Tanh_grad.js
var tanhGradConfig = {
  kernelName: Tanh,
  outputsToSave: [!0],
  gradFunc: (dy, saved) => {
    let [y] = saved;
    return { x: () => mul(sub(scalar(1), square(y)), dy) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Tile_grad.js
var tileGradConfig = {
  kernelName: Tile,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    let [x] = saved, { reps } = attrs;
    return { x: () => {
      let xGrad = zerosLike(x);
      if (x.rank === 1)
        for (let i = 0; i < reps[0]; ++i)
          xGrad = add2(xGrad, slice(dy, [i * x.shape[0]], [x.shape[0]]));
      else if (x.rank === 2)
        for (let i = 0; i < reps[0]; ++i)
          for (let j = 0; j < reps[1]; ++j)
            xGrad = add2(xGrad, slice(dy, [i * x.shape[0], j * x.shape[1]], [
              x.shape[0],
              x.shape[1]
            ]));
      else if (x.rank === 3)
        for (let i = 0; i < reps[0]; ++i)
          for (let j = 0; j < reps[1]; ++j)
            for (let k = 0; k < reps[2]; ++k)
              xGrad = add2(xGrad, slice(dy, [i * x.shape[0], j * x.shape[1], k * x.shape[2]], [x.shape[0], x.shape[1], x.shape[2]]));
      else if (x.rank === 4)
        for (let i = 0; i < reps[0]; ++i)
          for (let j = 0; j < reps[1]; ++j)
            for (let k = 0; k < reps[2]; ++k)
              for (let l = 0; l < reps[3]; ++l)
                xGrad = add2(xGrad, slice(dy, [
                  i * x.shape[0],
                  j * x.shape[1],
                  k * x.shape[2],
                  l * x.shape[3]
                ], [x.shape[0], x.shape[1], x.shape[2], x.shape[3]]));
      else
        throw new Error(`Gradient for tile operation is not implemented for rank-${x.rank} tensors yet.`);
      return xGrad;
    } };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Transpose_grad.js
var transposeGradConfig = {
  kernelName: Transpose,
  gradFunc: (dy, saved, attrs) => {
    let transposeAttrs = attrs, { perm } = transposeAttrs, undoPerm = getUndoAxesPermutation(perm);
    return { x: () => transpose(dy, undoPerm) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/Unpack_grad.js
var unpackGradConfig = {
  kernelName: Unpack,
  gradFunc: (dy, saved, attrs) => {
    let unpackAttrs = attrs, { axis } = unpackAttrs;
    return { value: () => stack(dy, axis) };
  }
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/UnsortedSegmentSum_grad.js
var unsortedSegmentSumGradConfig = {
  kernelName: UnsortedSegmentSum,
  inputsToSave: ["segmentIds"],
  gradFunc: (dy, saved) => {
    let [segmentIds] = saved;
    return { x: () => gatherDropNegatives(dy, segmentIds) };
  }
};
function gatherDropNegatives(x, indices) {
  let zeroClippedIndices = maximum(indices, zerosLike(indices)), gathered = gather(x, zeroClippedIndices), isPositive = greaterEqual(indices, scalar(0, "int32")), numIters = gathered.rank - isPositive.rank;
  for (let i = 0; i < numIters; ++i)
    isPositive = expandDims(isPositive, i + 1);
  isPositive = logicalAnd(isPositive, ones2(gathered.shape, "bool"));
  let zeroSlice = zerosLike(gathered);
  return where(isPositive, gathered, zeroSlice);
}

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/gradients/ZerosLike_grad.js
var zerosLikeGradConfig = {
  kernelName: ZerosLike,
  gradFunc: (dy) => ({ x: () => zerosLike(dy) })
};

// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/register_all_gradients.js
var gradConfigs = [
  absGradConfig,
  acosGradConfig,
  acoshGradConfig,
  addGradConfig,
  addNGradConfig,
  argMaxGradConfig,
  argMinGradConfig,
  asinGradConfig,
  asinhGradConfig,
  atan2GradConfig,
  atanGradConfig,
  atanhGradConfig,
  avgPool3DGradConfig,
  avgPoolGradConfig,
  batchMatMulGradConfig,
  batchToSpaceNDGradConfig,
  broadcastToGradConfig,
  castGradConfig,
  ceilGradConfig,
  clipByValueGradConfig,
  complexAbsGradConfig,
  concatGradConfig,
  conv2DBackpropInputGradConfig,
  conv2DGradConfig,
  conv3DGradConfig,
  cosGradConfig,
  coshGradConfig,
  cumsumGradConfig,
  depthwiseConv2dNativeGradConfig,
  dilation2dGradConfig,
  divGradConfig,
  eluGradConfig,
  erfGradConfig,
  expGradConfig,
  expandDimsGradConfig,
  expm1GradConfig,
  floorDivGradConfig,
  floorGradConfig,
  fusedBatchNormGradConfig,
  gatherGradConfig,
  greaterEqualGradConfig,
  identityGradConfig,
  isFiniteGradConfig,
  isInfGradConfig,
  isNanGradConfig,
  leakyReluGradConfig,
  log1pGradConfig,
  logGradConfig,
  logSoftmaxGradConfig,
  lrnGradConfig,
  maxGradConfig,
  maxGradConfig,
  maximumGradConfig,
  maxPool3DGradConfig,
  maxPoolGradConfig,
  meanGradConfig,
  minGradConfig,
  minimumGradConfig,
  mirrorPadGradConfig,
  modGradConfig,
  multiplyGradConfig,
  negGradConfig,
  oneHotGradConfig,
  onesLikeGradConfig,
  packGradConfig,
  padV2GradConfig,
  padV2GradConfig,
  powGradConfig,
  preluGradConfig,
  prodGradConfig,
  reciprocalGradConfig,
  relu6GradConfig,
  reluGradConfig,
  reshapeGradConfig,
  resizeBilinearGradConfig,
  resizeNearestNeighborGradConfig,
  reverseGradConfig,
  roundGradConfig,
  rsqrtGradConfig,
  selectGradConfig,
  seluGradConfig,
  sigmoidGradConfig,
  signGradConfig,
  sinGradConfig,
  sinhGradConfig,
  sliceGradConfig,
  softmaxGradConfig,
  softplusGradConfig,
  spaceToBatchNDGradConfig,
  spaceToBatchNDGradConfig,
  splitVGradConfig,
  splitVGradConfig,
  sqrtGradConfig,
  squaredDifferenceGradConfig,
  squareGradConfig,
  stepGradConfig,
  subGradConfig,
  sumGradConfig,
  tanGradConfig,
  tanhGradConfig,
  tileGradConfig,
  transposeGradConfig,
  unpackGradConfig,
  unsortedSegmentSumGradConfig,
  zerosLikeGradConfig
];
for (let gradientConfig of gradConfigs)
  registerGradient(gradientConfig);
/*! Bundled license information:

@tensorflow/tfjs-core/dist/backends/backend.js:
@tensorflow/tfjs-core/dist/util_base.js:
@tensorflow/tfjs-core/dist/global_util.js:
@tensorflow/tfjs-core/dist/ops/mul.js:
@tensorflow/tfjs-core/dist/gradients/Abs_grad.js:
@tensorflow/tfjs-core/dist/ops/floorDiv.js:
@tensorflow/tfjs-core/dist/ops/div.js:
@tensorflow/tfjs-core/dist/ops/sub.js:
@tensorflow/tfjs-core/dist/gradients/Acos_grad.js:
@tensorflow/tfjs-core/dist/gradients/Acosh_grad.js:
@tensorflow/tfjs-core/dist/ops/reshape.js:
@tensorflow/tfjs-core/dist/gradients/Add_grad.js:
@tensorflow/tfjs-core/dist/gradients/AddN_grad.js:
@tensorflow/tfjs-core/dist/gradients/Asin_grad.js:
@tensorflow/tfjs-core/dist/ops/add.js:
@tensorflow/tfjs-core/dist/gradients/Asinh_grad.js:
@tensorflow/tfjs-core/dist/gradients/Atan2_grad.js:
@tensorflow/tfjs-core/dist/gradients/Atan_grad.js:
@tensorflow/tfjs-core/dist/gradients/Atanh_grad.js:
@tensorflow/tfjs-core/dist/ops/conv_util.js:
@tensorflow/tfjs-core/dist/ops/avg_pool_3d_grad.js:
@tensorflow/tfjs-core/dist/gradients/AvgPool3D_grad.js:
@tensorflow/tfjs-core/dist/ops/avg_pool_grad.js:
@tensorflow/tfjs-core/dist/gradients/AvgPool_grad.js:
@tensorflow/tfjs-core/dist/ops/mat_mul.js:
@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js:
@tensorflow/tfjs-core/dist/ops/space_to_batch_nd.js:
@tensorflow/tfjs-core/dist/gradients/BatchToSpaceND_grad.js:
@tensorflow/tfjs-core/dist/gradients/BroadcastTo_grad.js:
@tensorflow/tfjs-core/dist/gradients/Cast_grad.js:
@tensorflow/tfjs-core/dist/gradients/Ceil_grad.js:
@tensorflow/tfjs-core/dist/ops/greater_equal.js:
@tensorflow/tfjs-core/dist/ops/less_equal.js:
@tensorflow/tfjs-core/dist/ops/logical_and.js:
@tensorflow/tfjs-core/dist/ops/clone.js:
@tensorflow/tfjs-core/dist/ops/broadcast_to.js:
@tensorflow/tfjs-core/dist/ops/where.js:
@tensorflow/tfjs-core/dist/gradients/ClipByValue_grad.js:
@tensorflow/tfjs-core/dist/gradients/ComplexAbs_grad.js:
@tensorflow/tfjs-core/dist/ops/split.js:
@tensorflow/tfjs-core/dist/gradients/Concat_grad.js:
@tensorflow/tfjs-core/dist/ops/conv2d_backprop_filter.js:
@tensorflow/tfjs-core/dist/ops/conv2d_backprop_input.js:
@tensorflow/tfjs-core/dist/gradients/Conv2D_grad.js:
@tensorflow/tfjs-core/dist/ops/conv2d.js:
@tensorflow/tfjs-core/dist/gradients/Conv2DBackpropInput_grad.js:
@tensorflow/tfjs-core/dist/ops/conv3d_backprop_filter.js:
@tensorflow/tfjs-core/dist/ops/conv3d_backprop_input.js:
@tensorflow/tfjs-core/dist/gradients/Conv3D_grad.js:
@tensorflow/tfjs-core/dist/gradients/Cos_grad.js:
@tensorflow/tfjs-core/dist/gradients/Cosh_grad.js:
@tensorflow/tfjs-core/dist/ops/complex.js:
@tensorflow/tfjs-core/dist/ops/imag.js:
@tensorflow/tfjs-core/dist/ops/real.js:
@tensorflow/tfjs-core/dist/gradients/Cumsum_grad.js:
@tensorflow/tfjs-core/dist/ops/depthwise_conv2d_native_backprop_filter.js:
@tensorflow/tfjs-core/dist/ops/depthwise_conv2d_native_backprop_input.js:
@tensorflow/tfjs-core/dist/gradients/DepthwiseConv2dNative_grad.js:
@tensorflow/tfjs-core/dist/gradients/Dilation2D_grad.js:
@tensorflow/tfjs-core/dist/gradients/Elu_grad.js:
@tensorflow/tfjs-core/dist/gradients/Erf_grad.js:
@tensorflow/tfjs-core/dist/gradients/Exp_grad.js:
@tensorflow/tfjs-core/dist/gradients/ExpandDims_grad.js:
@tensorflow/tfjs-core/dist/gradients/Expm1_grad.js:
@tensorflow/tfjs-core/dist/gradients/Floor_grad.js:
@tensorflow/tfjs-core/dist/gradients/FloorDiv_grad.js:
@tensorflow/tfjs-core/dist/ops/tile.js:
@tensorflow/tfjs-core/dist/gradients/FusedBatchNorm_grad.js:
@tensorflow/tfjs-core/dist/ops/stack.js:
@tensorflow/tfjs-core/dist/ops/unsorted_segment_sum.js:
@tensorflow/tfjs-core/dist/gradients/GatherV2_grad.js:
@tensorflow/tfjs-core/dist/gradients/GreaterEqual_grad.js:
@tensorflow/tfjs-core/dist/gradients/Identity_grad.js:
@tensorflow/tfjs-core/dist/gradients/IsFinite_grad.js:
@tensorflow/tfjs-core/dist/gradients/IsInf_grad.js:
@tensorflow/tfjs-core/dist/gradients/IsNan_grad.js:
@tensorflow/tfjs-core/dist/ops/greater.js:
@tensorflow/tfjs-core/dist/gradients/LeakyRelu_grad.js:
@tensorflow/tfjs-core/dist/gradients/Log1p_grad.js:
@tensorflow/tfjs-core/dist/gradients/Log_grad.js:
@tensorflow/tfjs-core/dist/gradients/LogSoftmax_grad.js:
@tensorflow/tfjs-core/dist/ops/local_response_normalization_backprop.js:
@tensorflow/tfjs-core/dist/gradients/LRN_grad.js:
@tensorflow/tfjs-core/dist/ops/equal.js:
@tensorflow/tfjs-core/dist/gradients/min_max_grad_util.js:
@tensorflow/tfjs-core/dist/gradients/Max_grad.js:
@tensorflow/tfjs-core/dist/ops/less.js:
@tensorflow/tfjs-core/dist/gradients/Maximum_grad.js:
@tensorflow/tfjs-core/dist/ops/max_pool_3d_grad.js:
@tensorflow/tfjs-core/dist/gradients/MaxPool3D_grad.js:
@tensorflow/tfjs-core/dist/ops/max_pool_grad.js:
@tensorflow/tfjs-core/dist/gradients/MaxPool_grad.js:
@tensorflow/tfjs-core/dist/gradients/Mean_grad.js:
@tensorflow/tfjs-core/dist/gradients/Min_grad.js:
@tensorflow/tfjs-core/dist/gradients/Minimum_grad.js:
@tensorflow/tfjs-core/dist/gradients/MirrorPad_grad.js:
@tensorflow/tfjs-core/dist/gradients/Mod_grad.js:
@tensorflow/tfjs-core/dist/gradients/Multiply_grad.js:
@tensorflow/tfjs-core/dist/gradients/Neg_grad.js:
@tensorflow/tfjs-core/dist/gradients/OneHot_grad.js:
@tensorflow/tfjs-core/dist/gradients/OnesLike_grad.js:
@tensorflow/tfjs-core/dist/ops/unstack.js:
@tensorflow/tfjs-core/dist/gradients/Pack_grad.js:
@tensorflow/tfjs-core/dist/gradients/PadV2_grad.js:
@tensorflow/tfjs-core/dist/ops/pow.js:
@tensorflow/tfjs-core/dist/gradients/Pow_grad.js:
@tensorflow/tfjs-core/dist/gradients/Prelu_grad.js:
@tensorflow/tfjs-core/dist/ops/concat.js:
@tensorflow/tfjs-core/dist/ops/batch_to_space_nd.js:
@tensorflow/tfjs-core/dist/ops/elu.js:
@tensorflow/tfjs-core/dist/ops/expand_dims.js:
@tensorflow/tfjs-core/dist/ops/leaky_relu.js:
@tensorflow/tfjs-core/dist/ops/logical_not.js:
@tensorflow/tfjs-core/dist/ops/maximum.js:
@tensorflow/tfjs-core/dist/ops/pad.js:
@tensorflow/tfjs-core/dist/ops/prelu.js:
@tensorflow/tfjs-core/dist/ops/relu.js:
@tensorflow/tfjs-core/dist/ops/relu6.js:
@tensorflow/tfjs-core/dist/ops/rotate_util.js:
@tensorflow/tfjs-core/dist/gradients/RealDiv_grad.js:
@tensorflow/tfjs-core/dist/gradients/Reciprocal_grad.js:
@tensorflow/tfjs-core/dist/gradients/Relu6_grad.js:
@tensorflow/tfjs-core/dist/gradients/Relu_grad.js:
@tensorflow/tfjs-core/dist/gradients/ResizeBilinear_grad.js:
@tensorflow/tfjs-core/dist/gradients/ResizeNearestNeighbor_grad.js:
@tensorflow/tfjs-core/dist/gradients/Reverse_grad.js:
@tensorflow/tfjs-core/dist/gradients/Round_grad.js:
@tensorflow/tfjs-core/dist/gradients/Rsqrt_grad.js:
@tensorflow/tfjs-core/dist/gradients/Select_grad.js:
@tensorflow/tfjs-core/dist/gradients/Selu_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sigmoid_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sign_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sin_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sinh_grad.js:
@tensorflow/tfjs-core/dist/gradients/Slice_grad.js:
@tensorflow/tfjs-core/dist/gradients/Softmax_grad.js:
@tensorflow/tfjs-core/dist/gradients/Softplus_grad.js:
@tensorflow/tfjs-core/dist/gradients/SpaceToBatchND_grad.js:
@tensorflow/tfjs-core/dist/gradients/SplitV_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sqrt_grad.js:
@tensorflow/tfjs-core/dist/gradients/SquaredDifference_grad.js:
@tensorflow/tfjs-core/dist/gradients/Step_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sub_grad.js:
@tensorflow/tfjs-core/dist/gradients/Tan_grad.js:
@tensorflow/tfjs-core/dist/gradients/Tanh_grad.js:
@tensorflow/tfjs-core/dist/gradients/Tile_grad.js:
@tensorflow/tfjs-core/dist/gradients/Transpose_grad.js:
@tensorflow/tfjs-core/dist/gradients/UnsortedSegmentSum_grad.js:
@tensorflow/tfjs-core/dist/gradients/ZerosLike_grad.js:
@tensorflow/tfjs-core/dist/register_all_gradients.js:
  (**
   * @license
   * Copyright 2020 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/environment.js:
@tensorflow/tfjs-core/dist/util.js:
@tensorflow/tfjs-core/dist/tape.js:
@tensorflow/tfjs-core/dist/tensor.js:
@tensorflow/tfjs-core/dist/types.js:
@tensorflow/tfjs-core/dist/ops/broadcast_util.js:
@tensorflow/tfjs-core/dist/ops/axis_util.js:
@tensorflow/tfjs-core/dist/device_util.js:
@tensorflow/tfjs-core/dist/ops/concat_util.js:
@tensorflow/tfjs-core/dist/ops/reduce_util.js:
  (**
   * @license
   * Copyright 2017 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/log.js:
@tensorflow/tfjs-core/dist/profiler.js:
@tensorflow/tfjs-core/dist/tensor_format.js:
@tensorflow/tfjs-core/dist/tensor_util.js:
@tensorflow/tfjs-core/dist/engine.js:
@tensorflow/tfjs-core/dist/tensor_util_env.js:
@tensorflow/tfjs-core/dist/ops/operation.js:
@tensorflow/tfjs-core/dist/ops/step.js:
@tensorflow/tfjs-core/dist/ops/neg.js:
@tensorflow/tfjs-core/dist/ops/tensor_ops_util.js:
@tensorflow/tfjs-core/dist/ops/scalar.js:
@tensorflow/tfjs-core/dist/ops/sqrt.js:
@tensorflow/tfjs-core/dist/ops/sum.js:
@tensorflow/tfjs-core/dist/ops/zeros_like.js:
@tensorflow/tfjs-core/dist/ops/sin.js:
@tensorflow/tfjs-core/dist/ops/sinh.js:
@tensorflow/tfjs-core/dist/ops/cumsum.js:
@tensorflow/tfjs-core/dist/globals.js:
@tensorflow/tfjs-core/dist/ops/transpose.js:
@tensorflow/tfjs-core/dist/ops/exp.js:
@tensorflow/tfjs-core/dist/ops/rsqrt.js:
@tensorflow/tfjs-core/dist/ops/zeros.js:
@tensorflow/tfjs-core/dist/ops/ones.js:
@tensorflow/tfjs-core/dist/ops/slice.js:
@tensorflow/tfjs-core/dist/ops/floor.js:
@tensorflow/tfjs-core/dist/ops/log.js:
@tensorflow/tfjs-core/dist/io/types.js:
@tensorflow/tfjs-core/dist/io/io_utils.js:
@tensorflow/tfjs-core/dist/io/router_registry.js:
@tensorflow/tfjs-core/dist/io/indexed_db.js:
@tensorflow/tfjs-core/dist/io/local_storage.js:
@tensorflow/tfjs-core/dist/io/browser_files.js:
@tensorflow/tfjs-core/dist/io/weights_loader.js:
@tensorflow/tfjs-core/dist/io/http.js:
@tensorflow/tfjs-core/dist/io/passthrough.js:
@tensorflow/tfjs-core/dist/io/model_management.js:
@tensorflow/tfjs-core/dist/io/io.js:
@tensorflow/tfjs-core/dist/ops/sigmoid.js:
@tensorflow/tfjs-core/dist/ops/cos.js:
@tensorflow/tfjs-core/dist/ops/cosh.js:
@tensorflow/tfjs-core/dist/ops/gather.js:
@tensorflow/tfjs-core/dist/ops/reverse.js:
@tensorflow/tfjs-core/dist/ops/array_ops_util.js:
@tensorflow/tfjs-core/dist/ops/selu_util.js:
@tensorflow/tfjs-core/dist/ops/erf_util.js:
@tensorflow/tfjs-core/dist/backends/complex_util.js:
@tensorflow/tfjs-core/dist/ops/segment_util.js:
@tensorflow/tfjs-core/dist/backends/backend_util.js:
  (**
   * @license
   * Copyright 2018 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/kernel_registry.js:
@tensorflow/tfjs-core/dist/ops/square.js:
@tensorflow/tfjs-core/dist/flags.js:
@tensorflow/tfjs-core/dist/io/progress.js:
@tensorflow/tfjs-core/dist/ops/fused_util.js:
@tensorflow/tfjs-core/dist/gradients/Square_grad.js:
  (**
   * @license
   * Copyright 2019 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/platforms/is_typed_array_browser.js:
  (**
   * @license
   * Copyright 2023 Google LLC.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/ops/cast.js:
@tensorflow/tfjs-core/dist/gradients/ArgMax_grad.js:
@tensorflow/tfjs-core/dist/gradients/ArgMin_grad.js:
@tensorflow/tfjs-core/dist/base.js:
@tensorflow/tfjs-core/dist/gradients/Reshape_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sum_grad.js:
@tensorflow/tfjs-core/dist/gradients/Unpack_grad.js:
  (**
   * @license
   * Copyright 2020 Google Inc. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/ops/slice_util.js:
@tensorflow/tfjs-core/dist/backends/einsum_util.js:
@tensorflow/tfjs-core/dist/ops/sparse/sparse_fill_empty_rows_util.js:
@tensorflow/tfjs-core/dist/ops/sparse/sparse_reshape_util.js:
@tensorflow/tfjs-core/dist/ops/sparse/sparse_segment_reduction_util.js:
  (**
   * @license
   * Copyright 2021 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/ops/cumprod.js:
  (**
   * @license
   * Copyright 2022 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the 'License');
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an 'AS IS' BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/ops/ragged_to_dense_util.js:
  (**
   * @license
   * Copyright 2022 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/gradients/Prod_grad.js:
  (**
   * @license
   * Copyright 2022 Google Inc. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)
*/
