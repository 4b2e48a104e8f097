import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 467:
/***/ (() => {



const { hasOwnProperty } = Object.prototype

/** @typedef {{toJSON: (key: string) => unknown}} ToJSON */

// eslint-disable-next-line no-control-regex
const strEscapeSequencesRegExp = /[\u0000-\u001f\u0022\u005c\ud800-\udfff]/
const nodeVersion = typeof process === 'object' ? process?.versions?.node : undefined
const strEscapeLength = Number(nodeVersion?.slice(0, nodeVersion.indexOf('.'))) >= 22 ? 128 : 5000

// Escape C0 control characters, double quotes, the backslash and every code
// unit with a numeric value in the inclusive range 0xD800 to 0xDFFF.
function strEscape (str) {
  // Native escaping is faster for longer strings on Node.js 22 and later.
  if (str.length < strEscapeLength && !strEscapeSequencesRegExp.test(str)) {
    return `"${str}"`
  }
  return JSON.stringify(str)
}

/**
 * @param {string[]} array
 * @param {(a: string, b: string) => number} [comparator]
 */
function sort (array, comparator) {
  // Insertion sort is very efficient for small input sizes, but it has a bad
  // worst case complexity. Thus, use native array sort for bigger values.
  if (array.length > 2e2 || comparator) {
    return array.sort(comparator)
  }
  let moves = 0
  if (array.length > 1 && array[0] > array[1]) {
    const currentValue = array[1]
    if (array.length > 32 && currentValue > array[array.length - 1]) {
      return array.sort()
    }
    array[1] = array[0]
    array[0] = currentValue
    moves = 1
  }
  for (let i = 2; i < array.length; i++) {
    const currentValue = array[i]
    if (array[i - 1] <= currentValue) continue
    let position = i
    do {
      array[position] = array[position - 1]
      position--
    } while (position !== 0 && array[position - 1] > currentValue)
    array[position] = currentValue
    moves += i - position
    if (moves > array.length && moves > 32) return array.sort()
  }
  return array
}

const typedArrayPrototypeGetSymbolToStringTag =
  // @ts-expect-error
  Object.getOwnPropertyDescriptor(
    Object.getPrototypeOf(
      Object.getPrototypeOf(
        new Int8Array()
      )
    ),
    Symbol.toStringTag
  ).get

/** @param {object & {length?: unknown}} value */
function getTypedArrayType (value) {
  // @ts-expect-error
  const type = typedArrayPrototypeGetSymbolToStringTag.call(value)
  return type !== undefined && value.length !== 0 ? type : undefined
}

/** @param {number | bigint} value */
function wrapInQuotes (value) {
  return `"${value}"`
}

/**
 * @param {ArrayLike<number | bigint>} array
 * @param {string} separator
 * @param {number} maximumBreadth
 * @param {boolean | 'string'} bigint
 * @param {((value: number | bigint) => never) | undefined} fail
 * @param {string} type
 */
function stringifyTypedArray (array, separator, maximumBreadth, bigint, fail, type) {
  if (array.length < maximumBreadth) {
    maximumBreadth = array.length
  }
  const whitespace = separator === ',' ? '' : ' '
  if (type[0] === 'F') {
    let value = array[0]
    let res = `"0":${whitespace}${Number.isFinite(value) ? value : fail ? fail(value) : 'null'}`
    for (let i = 1; i < maximumBreadth; i++) {
      value = array[i]
      res += `${separator}"${i}":${whitespace}${Number.isFinite(value) ? value : fail ? fail(value) : 'null'}`
    }
    return res
  }
  const method = bigint === 'string' && array.length > 0 && typeof array[0] === 'bigint'
    ? wrapInQuotes
    : String
  let res = `"0":${whitespace}${method(array[0])}`
  for (let i = 1; i < maximumBreadth; i++) {
    res += `${separator}"${i}":${whitespace}${method(array[i])}`
  }
  return res
}

/** @param {number} index */
function stringifyCircularDepth (index) {
  return `"[Circular: ${index}]"`
}

/** @param {Record<string, unknown>} options */
function getCircularValueOption (options) {
  if (hasOwnProperty.call(options, 'circularValue')) {
    const circularValue = options.circularValue
    if (typeof circularValue === 'string') {
      return `"${circularValue}"`
    }
    if (circularValue == null) {
      return circularValue
    }
    if (circularValue === Error || circularValue === TypeError) {
      return {
        toString () {
          throw new TypeError('Converting circular structure to JSON')
        }
      }
    }
    throw new TypeError('The "circularValue" argument must be of type string or the value null or undefined')
  }
  return stringifyCircularDepth
}

function getDeterministicOption (options) {
  let value
  if (hasOwnProperty.call(options, 'deterministic')) {
    value = options.deterministic
    if (typeof value !== 'boolean' && typeof value !== 'function') {
      throw new TypeError('The "deterministic" argument must be of type boolean or comparator function')
    }
  }
  return value === undefined ? true : value
}

function getBigIntOption (options) {
  let value
  if (hasOwnProperty.call(options, 'bigint')) {
    value = options.bigint
    if (typeof value === 'string') {
      if (value !== 'string') {
        throw new TypeError('The "bigint" argument must be of type boolean or the string "string"')
      }
    } else if (typeof value !== 'boolean') {
      throw new TypeError('The "bigint" argument must be of type boolean or the string "string"')
    }
  }
  return value === undefined ? true : value
}

function getBooleanOption (options, key, defaultValue) {
  let value
  if (hasOwnProperty.call(options, key)) {
    value = options[key]
    if (typeof value !== 'boolean') {
      throw new TypeError(`The "${key}" argument must be of type boolean`)
    }
  }
  return value === undefined ? defaultValue : value
}

function getPositiveIntegerOption (options, key) {
  let value
  if (hasOwnProperty.call(options, key)) {
    value = options[key]
    if (typeof value !== 'number') {
      throw new TypeError(`The "${key}" argument must be of type number`)
    }
    if (!Number.isInteger(value)) {
      throw new TypeError(`The "${key}" argument must be an integer`)
    }
    if (value < 1) {
      throw new RangeError(`The "${key}" argument must be >= 1`)
    }
  }
  return value === undefined ? Infinity : value
}

function getItemCount (number) {
  if (number === 1) {
    return '1 item'
  }
  return `${number} items`
}

function getUniqueReplacerSet (replacerArray) {
  const replacerSet = new Set()
  for (const value of replacerArray) {
    if (typeof value === 'string' || typeof value === 'number') {
      replacerSet.add(String(value))
    }
  }
  return replacerSet
}

function getStrictOption (options) {
  if (hasOwnProperty.call(options, 'strict')) {
    const value = options.strict
    if (typeof value !== 'boolean') {
      throw new TypeError('The "strict" argument must be of type boolean')
    }
    if (value) {
      return (value) => {
        let message = `Object can not safely be stringified. Received type ${typeof value}`
        if (typeof value !== 'function') message += ` (${safeErrorMessage(value)})`
        throw new Error(message)
      }
    }
  }
}

function safeErrorMessage (error) {
  try {
    return String(error)
  } catch {
    return 'Failed'
  }
}

function getErrorMessage (error, name) {
  const message = typeof error?.message === 'string'
    ? error.message
    : safeErrorMessage(error)
  if (name) {
    return `Error: Stringification failed with ${name} (${message})`
  }
  return `Error: Stringification failed (${message})`
}

function callSafe (method, thisArg, input) {
  try {
    return method.call(thisArg, input)
  } catch (error) {
    return getErrorMessage(error, method.name)
  }
}

function makeSafe (method, name) {
  const safeMethod = function (...input) {
    try {
      return method(...input)
    } catch (error) {
      if (name !== undefined) {
        return getErrorMessage(error, name)
      }
      return `"${getErrorMessage(error, name)}"`
    }
  }
  Object.defineProperty(safeMethod, 'name', { value: `safe_${method.name}` })
  return safeMethod
}

function configure (options) {
  options = { ...options }
  const fail = getStrictOption(options)
  if (fail) {
    if (options.bigint === undefined) {
      options.bigint = false
    }
    if (!('circularValue' in options)) {
      options.circularValue = Error
    }
  }
  const circularValue = getCircularValueOption(options)
  const bigint = getBigIntOption(options)
  const deterministic = getDeterministicOption(options)
  const comparator = typeof deterministic === 'function' ? deterministic : undefined
  const maximumDepth = getPositiveIntegerOption(options, 'maximumDepth')
  const maximumBreadth = getPositiveIntegerOption(options, 'maximumBreadth')
  const safe = getBooleanOption(options, 'safe', false)

  let stringifyFnReplacer = function (key, parent, stack, replacer, spacer, indentation) {
    let value = parent[key]

    if (typeof value === 'object' && value !== null && typeof value.toJSON === 'function') {
      value = safe ? callSafe(value.toJSON, value, key) : value.toJSON(key)
    }
    value = replacer.call(parent, key, value)

    if (typeof value === 'object') {
      if (value === null) {
        return 'null'
      }
      const circularIndex = stack.indexOf(value)
      if (circularIndex !== -1) {
        return typeof circularValue === 'function' ? circularValue(circularIndex) : circularValue
      }

      let res = ''
      let join = ','
      const originalIndentation = indentation

      if (Array.isArray(value)) {
        if (value.length === 0) {
          return '[]'
        }
        if (maximumDepth < stack.length + 1) {
          return '"[Array]"'
        }
        stack.push(value)
        if (spacer !== '') {
          indentation += spacer
          res += `\n${indentation}`
          join = `,\n${indentation}`
        }
        const maximumValuesToStringify = Math.min(value.length, maximumBreadth)
        let i = 0
        for (; i < maximumValuesToStringify - 1; i++) {
          const tmp = stringifyFnReplacer(String(i), value, stack, replacer, spacer, indentation)
          res += tmp !== undefined ? tmp : 'null'
          res += join
        }
        const tmp = stringifyFnReplacer(String(i), value, stack, replacer, spacer, indentation)
        res += tmp !== undefined ? tmp : 'null'
        if (value.length > maximumBreadth) {
          const removedKeys = value.length - maximumBreadth
          res += `${join}"... ${getItemCount(removedKeys)} not stringified"`
        }
        if (spacer !== '') {
          res += `\n${originalIndentation}`
        }
        stack.pop()
        return `[${res}]`
      }

      let keys = Object.keys(value)
      const keyLength = keys.length
      if (keyLength === 0) {
        return '{}'
      }
      if (maximumDepth < stack.length + 1) {
        return '"[Object]"'
      }
      let whitespace = ''
      let separator = ''
      if (spacer !== '') {
        indentation += spacer
        join = `,\n${indentation}`
        whitespace = ' '
      }
      const maximumPropertiesToStringify = Math.min(keyLength, maximumBreadth)
      if (deterministic && getTypedArrayType(value) === undefined) {
        keys = sort(keys, comparator)
      }
      stack.push(value)
      for (let i = 0; i < maximumPropertiesToStringify; i++) {
        const key = keys[i]
        const tmp = stringifyFnReplacer(key, value, stack, replacer, spacer, indentation)
        if (tmp !== undefined) {
          res += `${separator}${strEscape(key)}:${whitespace}${tmp}`
          separator = join
        }
      }
      if (keyLength > maximumBreadth) {
        const removedKeys = keyLength - maximumBreadth
        res += `${separator}"...":${whitespace}"${getItemCount(removedKeys)} not stringified"`
        separator = join
      }
      if (spacer !== '' && separator.length > 1) {
        res = `\n${indentation}${res}\n${originalIndentation}`
      }
      stack.pop()
      return `{${res}}`
    }
    return stringifyFnPrimitive(value)
  }

  /**
   * @param {string | number} key
   * @param {object | null} value
   * @param {object[]} stack
   * @param {Set<string>} replacer
   * @param {string} spacer
   * @param {string} indentation
   */
  let stringifyArrayReplacer = function (key, value, stack, replacer, spacer, indentation) {
    if (value === null) {
      return 'null'
    }
    if (typeof /** @type {ToJSON} */ (value).toJSON === 'function') {
      if (typeof key === 'number') key = String(key)
      const jsonValue = safe ? callSafe(/** @type {ToJSON} */ (value).toJSON, value, key) : /** @type {ToJSON} */ (value).toJSON(key)
      if (typeof jsonValue !== 'object') {
        return stringifyPrimitive(jsonValue)
      }
      if (jsonValue === null) {
        return 'null'
      }
      value = jsonValue
    }
    const circularIndex = stack.indexOf(value)
    if (circularIndex !== -1) {
      return typeof circularValue === 'function' ? circularValue(circularIndex) : circularValue
    }

    const originalIndentation = indentation
    let res = ''
    let join = ','

    if (Array.isArray(value)) {
      if (value.length === 0) {
        return '[]'
      }
      if (maximumDepth < stack.length + 1) {
        return '"[Array]"'
      }
      stack.push(value)
      if (spacer !== '') {
        indentation += spacer
        res += `\n${indentation}`
        join = `,\n${indentation}`
      }
      const maximumValuesToStringify = Math.min(value.length, maximumBreadth)
      let i = 0
      for (; i < maximumValuesToStringify - 1; i++) {
        const item = value[i]
        const tmp = typeof item === 'object' ? stringifyArrayReplacer(i, item, stack, replacer, spacer, indentation) : stringifyPrimitive(item)
        res += tmp !== undefined ? tmp : 'null'
        res += join
      }
      const item = value[i]
      const tmp = typeof item === 'object' ? stringifyArrayReplacer(i, item, stack, replacer, spacer, indentation) : stringifyPrimitive(item)
      res += tmp !== undefined ? tmp : 'null'
      if (value.length > maximumBreadth) {
        const removedKeys = value.length - maximumBreadth
        res += `${join}"... ${getItemCount(removedKeys)} not stringified"`
      }
      if (spacer !== '') {
        res += `\n${originalIndentation}`
      }
      stack.pop()
      return `[${res}]`
    }
    if (maximumDepth < stack.length + 1) {
      return '"[Object]"'
    }
    stack.push(value)
    let whitespace = ''
    if (spacer !== '') {
      indentation += spacer
      join = `,\n${indentation}`
      whitespace = ' '
    }
    let separator = ''
    for (const key of replacer) {
      const item = /** @type {Record<string, unknown>} */ (value)[key]
      const tmp = typeof item === 'object' ? stringifyArrayReplacer(key, item, stack, replacer, spacer, indentation) : stringifyPrimitive(item)
      if (tmp !== undefined) {
        res += `${separator}${strEscape(key)}:${whitespace}${tmp}`
        separator = join
      }
    }
    if (spacer !== '' && separator.length > 1) {
      res = `\n${indentation}${res}\n${originalIndentation}`
    }
    stack.pop()
    return `{${res}}`
  }

  /**
   * @param {string | number} key
   * @param {object | null} value
   * @param {object[]} stack
   * @param {string} spacer
   * @param {string} indentation
   */
  let stringifyIndent = function (key, value, stack, spacer, indentation) {
    if (value === null) {
      return 'null'
    }
    if (typeof /** @type {ToJSON} */ (value).toJSON === 'function') {
      if (typeof key === 'number') key = String(key)
      const jsonValue = safe ? callSafe(/** @type {ToJSON} */ (value).toJSON, value, key) : /** @type {ToJSON} */ (value).toJSON(key)
      if (typeof jsonValue !== 'object') {
        return stringifyPrimitive(jsonValue)
      }
      if (jsonValue === null) {
        return 'null'
      }
      value = jsonValue
    }
    const circularIndex = stack.indexOf(value)
    if (circularIndex !== -1) {
      return typeof circularValue === 'function' ? circularValue(circularIndex) : circularValue
    }
    const originalIndentation = indentation

    if (Array.isArray(value)) {
      if (value.length === 0) {
        return '[]'
      }
      if (maximumDepth < stack.length + 1) {
        return '"[Array]"'
      }
      stack.push(value)
      indentation += spacer
      let res = `\n${indentation}`
      const join = `,\n${indentation}`
      const maximumValuesToStringify = Math.min(value.length, maximumBreadth)
      let i = 0
      for (; i < maximumValuesToStringify - 1; i++) {
        const item = value[i]
        const tmp = typeof item === 'object' ? stringifyIndent(i, item, stack, spacer, indentation) : stringifyPrimitive(item)
        res += tmp !== undefined ? tmp : 'null'
        res += join
      }
      const item = value[i]
      const tmp = typeof item === 'object' ? stringifyIndent(i, item, stack, spacer, indentation) : stringifyPrimitive(item)
      res += tmp !== undefined ? tmp : 'null'
      if (value.length > maximumBreadth) {
        const removedKeys = value.length - maximumBreadth
        res += `${join}"... ${getItemCount(removedKeys)} not stringified"`
      }
      res += `\n${originalIndentation}`
      stack.pop()
      return `[${res}]`
    }

    let keys = Object.keys(value)
    const keyLength = keys.length
    if (keyLength === 0) {
      return '{}'
    }
    if (maximumDepth < stack.length + 1) {
      return '"[Object]"'
    }
    indentation += spacer
    const join = `,\n${indentation}`
    let res = ''
    let separator = ''
    let maximumPropertiesToStringify = Math.min(keyLength, maximumBreadth)
    const typedArrayType = getTypedArrayType(value)
    if (typedArrayType !== undefined) {
      res += stringifyTypedArray(/** @type {ArrayLike<number | bigint>} */ (value), join, maximumBreadth, bigint, fail, typedArrayType)
      keys = keys.slice(/** @type {{length: number}} */ (value).length)
      maximumPropertiesToStringify -= /** @type {{length: number}} */ (value).length
      separator = join
    }
    if (deterministic) {
      keys = sort(keys, comparator)
    }
    stack.push(value)
    for (let i = 0; i < maximumPropertiesToStringify; i++) {
      const key = keys[i]
      const item = /** @type {Record<string, unknown>} */ (value)[key]
      const tmp = typeof item === 'object' ? stringifyIndent(key, item, stack, spacer, indentation) : stringifyPrimitive(item)
      if (tmp !== undefined) {
        res += `${separator}${strEscape(key)}: ${tmp}`
        separator = join
      }
    }
    if (keyLength > maximumBreadth) {
      const removedKeys = keyLength - maximumBreadth
      res += `${separator}"...": "${getItemCount(removedKeys)} not stringified"`
      separator = join
    }
    if (separator !== '') {
      res = `\n${indentation}${res}\n${originalIndentation}`
    }
    stack.pop()
    return `{${res}}`
  }

  let stringifyPrimitive = function (value) {
    switch (typeof value) {
      case 'string':
        return strEscape(value)
      case 'number':
        return isFinite(value) ? String(value) : fail ? fail(value) : 'null'
      case 'boolean':
        return value === true ? 'true' : 'false'
      case 'undefined':
        return undefined
      case 'bigint':
        if (bigint) {
          return bigint === 'string' ? `"${value}"` : String(value)
        }
        // fallthrough
      default:
        return fail ? fail(value) : undefined
    }
  }

  let stringifyObject = function (key, value, stack) {
    if (value === null) {
      return 'null'
    }
    if (typeof /** @type {ToJSON} */ (value).toJSON === 'function') {
      if (typeof key === 'number') key = String(key)
      const jsonValue = safe ? callSafe(/** @type {ToJSON} */ (value).toJSON, value, key) : /** @type {ToJSON} */ (value).toJSON(key)
      // Prevent calling `toJSON` again
      if (typeof jsonValue !== 'object') {
        return stringifyPrimitive(jsonValue)
      }
      if (jsonValue === null) {
        return 'null'
      }
      value = jsonValue
    }
    const circularIndex = stack.indexOf(value)
    if (circularIndex !== -1) {
      return typeof circularValue === 'function' ? circularValue(circularIndex) : circularValue
    }

    let res = ''

    const hasLength = /** @type {{length?: unknown}} */ (value).length !== undefined
    if (hasLength && Array.isArray(value)) {
      if (value.length === 0) {
        return '[]'
      }
      if (maximumDepth < stack.length + 1) {
        return '"[Array]"'
      }
      stack.push(value)
      const maximumValuesToStringify = Math.min(value.length, maximumBreadth)
      let i = 0
      for (; i < maximumValuesToStringify - 1; i++) {
        const item = value[i]
        const tmp = typeof item === 'object'
          ? stringifyObject(i, item, stack)
          : stringifyPrimitive(item)
        res += tmp !== undefined ? tmp : 'null'
        res += ','
      }
      const item = value[i]
      const tmp = typeof item === 'object'
        ? stringifyObject(i, item, stack)
        : stringifyPrimitive(item)
      res += tmp !== undefined ? tmp : 'null'
      if (value.length > maximumBreadth) {
        const removedKeys = value.length - maximumBreadth
        res += `,"... ${getItemCount(removedKeys)} not stringified"`
      }
      stack.pop()
      return `[${res}]`
    }

    let keys = Object.keys(value)
    const keyLength = keys.length
    if (keyLength === 0) {
      return '{}'
    }
    if (maximumDepth < stack.length + 1) {
      return '"[Object]"'
    }
    let separator = ''
    let maximumPropertiesToStringify = Math.min(keyLength, maximumBreadth)
    const typedArrayType = hasLength ? getTypedArrayType(value) : undefined
    if (typedArrayType !== undefined) {
      res += stringifyTypedArray(/** @type {ArrayLike<number | bigint>} */ (value), ',', maximumBreadth, bigint, fail, typedArrayType)
      keys = keys.slice(/** @type {{length: number}} */ (value).length)
      maximumPropertiesToStringify -= /** @type {{length: number}} */ (value).length
      separator = ','
    }
    if (deterministic) {
      keys = sort(keys, comparator)
    }
    stack.push(value)
    for (let i = 0; i < maximumPropertiesToStringify; i++) {
      const key = keys[i]
      const item = /** @type {Record<string, unknown>} */ (value)[key]
      const tmp = typeof item === 'object'
        ? stringifyObject(key, item, stack)
        : stringifyPrimitive(item)
      if (tmp !== undefined) {
        res += `${separator}${strEscape(key)}:${tmp}`
        separator = ','
      }
    }
    if (keyLength > maximumBreadth) {
      const removedKeys = keyLength - maximumBreadth
      res += `${separator}"...":"${getItemCount(removedKeys)} not stringified"`
    }
    stack.pop()
    return `{${res}}`
  }

  const stringifyFnPrimitive = stringifyPrimitive
  if (safe) {
    stringifyFnReplacer = makeSafe(stringifyFnReplacer)
    stringifyArrayReplacer = makeSafe(stringifyArrayReplacer)
    stringifyIndent = makeSafe(stringifyIndent)
    stringifyObject = makeSafe(stringifyObject)
    stringifyPrimitive = makeSafe(stringifyPrimitive)
  }

  function stringify (value, replacer, space) {
    if (arguments.length > 1) {
      let spacer = ''
      if (typeof space === 'number') {
        spacer = ' '.repeat(Math.max(0, Math.min(space, 10)))
      } else if (typeof space === 'string') {
        spacer = space.slice(0, 10)
      }
      if (replacer != null) {
        if (typeof replacer === 'function') {
          if (safe) {
            replacer = makeSafe(replacer, replacer.name)
          }
          return stringifyFnReplacer('', { '': value }, [], replacer, spacer, '')
        }
        if (Array.isArray(replacer)) {
          return typeof value === 'object'
            ? stringifyArrayReplacer('', value, [], getUniqueReplacerSet(replacer), spacer, '')
            : stringifyPrimitive(value)
        }
      }
      if (spacer.length !== 0) {
        return typeof value === 'object'
          ? stringifyIndent('', value, [], spacer, '')
          : stringifyPrimitive(value)
      }
    }
    return typeof value === 'object'
      ? stringifyObject('', value, [])
      : stringifyPrimitive(value)
  }

  return stringify
}

const sharedGlobal = /** @type {Record<symbol, typeof import('./index.js').default | undefined>} */ (
  globalThis
)
const exportSymbol = Symbol.for('safe-stable-stringify@3.0.0')

if (sharedGlobal[exportSymbol] === undefined) {
  const stringify = configure()
  // @ts-expect-error
  stringify.configure = configure
  // @ts-expect-error
  stringify.stringify = stringify
  // @ts-expect-error
  stringify.default = stringify
  Object.defineProperty(sharedGlobal, exportSymbol, {
    configurable: true,
    enumerable: false,
    value: /** @type {typeof import('./index.js').default} */ (stringify),
    writable: true
  })
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  nT: () => (/* binding */ ExportWorker),
  MJ: () => (/* binding */ WORKER_ROLE),
  sy: () => (/* binding */ serializeEntity)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
// EXTERNAL MODULE: ./node_modules/safe-stable-stringify/index.js
var safe_stable_stringify = __nccwpck_require__(467);
;// CONCATENATED MODULE: ./node_modules/safe-stable-stringify/esm/wrapper.mjs


const sharedGlobal = /** @type {Record<symbol, typeof import('../index.js').default>} */ (
  globalThis
)

const stringify = sharedGlobal[Symbol.for('safe-stable-stringify@3.0.0')]
const configure = stringify.configure
/* harmony default export */ const wrapper = ((/* unused pure expression or super */ null && (stringify)));

;// CONCATENATED MODULE: ./src/entities/canonical-json.ts
/**
 * The canonical text of a JSON value: UTF-8, two-space indentation, LF, a
 * trailing newline, and object keys sorted by UTF-16 code unit at every level
 * (JavaScript's default sort, the order fast-json-stable-stringify uses).
 *
 * JSON.stringify cannot do this on its own: it always writes integer-like keys
 * ("10", "2") first, in numeric order, whatever order they were inserted in.
 */


const canonical_json_stringify = configure({ deterministic: true, bigint: false, circularValue: Error });
function toCanonicalJson(value) {
    const text = fastCanonical(value) ?? canonical_json_stringify(value, null, 2);
    if (text === undefined)
        throw new Error('Cannot serialize an undefined value as JSON.');
    return `${text}\n`;
}
/**
 * The same text through the native JSON.stringify, from a copy with sorted
 * keys: several times faster than safe-stable-stringify, whose string
 * building keeps the garbage collector busy on a 2,000-report export.
 * Undefined when the value has what the native writer would order or convert
 * differently (integer-like keys, a `__proto__` key, `toJSON`, cycles): safe-stable-stringify
 * then writes it. A test holds the two to the same bytes.
 */
function fastCanonical(value) {
    try {
        return JSON.stringify(sortedCopy(value, 0), null, 2);
    }
    catch (error) {
        if (error === NOT_PLAIN)
            return undefined;
        throw error;
    }
}
const NOT_PLAIN = new Error('not plain JSON data');
/** Deeper than any entity; a cycle gets here too. */
const MAX_DEPTH = 200;
function sortedCopy(value, depth) {
    if (typeof value !== 'object' || value === null) {
        if (typeof value === 'bigint')
            throw NOT_PLAIN;
        return value;
    }
    if (depth > MAX_DEPTH || typeof value.toJSON === 'function')
        throw NOT_PLAIN;
    if (Array.isArray(value))
        return value.map(item => sortedCopy(item, depth + 1));
    const keys = Object.keys(value).sort();
    // An ordinary object, which JSON.stringify writes several times faster than one
    // without a prototype. Assigning "__proto__" to it would set its prototype
    // instead of a key: safe-stable-stringify writes such a value.
    const copy = {};
    for (const key of keys) {
        if (key === '__proto__' || isIndexLike(key))
            throw NOT_PLAIN;
        copy[key] = sortedCopy(value[key], depth + 1);
    }
    return copy;
}
/** Keys JavaScript objects keep in numeric order before all others. */
function isIndexLike(key) {
    const first = key.charCodeAt(0);
    return first >= 0x30 && first <= 0x39 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}
/** SHA-256 (hex) of a value's canonical JSON: equal for equal content, whatever the key order. */
function contentHash(value) {
    return createHash('sha256').update(toCanonicalJson(value)).digest('hex');
}

;// CONCATENATED MODULE: ./src/entities/normalize.ts

function normalizeEntity(input) {
    return normalize(input);
}
// Copies only along the paths it changes: exports carry 10-50 KB of XML per
// report, and a deep clone of thousands of them costs more than the export.
function normalize(input) {
    if (input.exportEntityType === 'dashboard') {
        const { collectionId: _environment, ...dashboard } = input;
        return { entity: { ...dashboard, tiles: [...dashboard.tiles].sort(compareTiles) } };
    }
    const { collectionId: _environment, ...report } = input;
    const { userTaskReport: _derived, ...data } = report.data;
    if (report.exportEntityType === 'combined_report') {
        return { entity: { ...report, data: data } };
    }
    const single = data;
    if (single.definitions) {
        single.definitions = single.definitions.map(definition => ({
            ...definition,
            ...(definition.versions && { versions: [...definition.versions].sort(compareVersions) }),
            ...(definition.tenantIds && { tenantIds: [...definition.tenantIds].sort(compareTenants) })
        }));
    }
    let decisionXml;
    if (single.configuration && 'xml' in single.configuration) {
        const { xml, ...withoutXml } = single.configuration;
        single.configuration = withoutXml;
        if (report.exportEntityType === 'single_decision_report' && typeof xml === 'string')
            decisionXml = xml;
    }
    return { entity: { ...report, data: single }, decisionXml };
}
/** Tiles in reading order: top to bottom, left to right; ties broken by content. */
function compareTiles(a, b) {
    return (a.position.y - b.position.y ||
        a.position.x - b.position.x ||
        compareStrings(a.type ?? '', b.type ?? '') ||
        compareStrings(a.id, b.id) ||
        compareStrings(toCanonicalJson(a), toCanonicalJson(b)));
}
/** Numeric versions in numeric order after the keywords ("all", "latest"). */
function compareVersions(a, b) {
    const numA = /^\d+$/.test(a) ? Number(a) : undefined;
    const numB = /^\d+$/.test(b) ? Number(b) : undefined;
    if (numA !== undefined && numB !== undefined)
        return numA - numB;
    if (numA !== undefined)
        return 1;
    if (numB !== undefined)
        return -1;
    return compareStrings(a, b);
}
/** `null` (Camunda 7's "not defined" tenant) first, then by code unit. */
function compareTenants(a, b) {
    if (a === b)
        return 0;
    if (a === null)
        return -1;
    if (b === null)
        return 1;
    return compareStrings(a, b);
}
function compareStrings(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/**
 * The import payload for a committed entity: the decision XML goes back into
 * the configuration. Nothing else is needed: Optimize ignores `collectionId`
 * in files and refills process XML itself.
 */
function toImportPayload(entity, decisionXml) {
    const payload = structuredClone(entity);
    if (payload.exportEntityType === 'single_decision_report' && decisionXml !== undefined) {
        const data = payload.data;
        data.configuration = { ...(data.configuration ?? {}), xml: decisionXml };
    }
    return payload;
}

;// CONCATENATED MODULE: ./src/export-worker.ts
/**
 * Export's helper thread: it writes each entity's canonical JSON, the
 * costliest step of an export, on a second core, while the main thread
 * receives, decodes and checks the rest of the batches (README "Performance").
 * It keeps the texts it wrote, so that, once the file names are known, it
 * writes the files too, alongside the main thread, which meanwhile writes
 * the change summary.
 *
 * The thread runs this file on its own: its own small bundle
 * (dist/export-worker/index.js, 45 KB, which starts in a fraction of the time
 * the whole action's bundle would take) or, from
 * the TypeScript sources (tests, `npm run cli`), this module through tsx. It
 * imports nothing heavy on purpose. If it cannot start or fails, the work is
 * done on the main thread, with the same function and the same result.
 */





/** What the helper thread is started with (`workerData.role`), so the file knows it is one. */
const WORKER_ROLE = 'optimize-as-code: export worker';
/**
 * The canonical JSON of the normalized entity whose JSON text is `json`.
 * Pure. The main thread has checked the same entity against the schemas.
 */
function serializeEntity(json) {
    try {
        // The schemas' copy, which the main thread works with, has no `__proto__`
        // keys (assigning one sets a prototype): neither may the file.
        const value = MAYBE_PROTO.test(json)
            ? JSON.parse(json, withoutProto)
            : JSON.parse(json);
        return { text: toCanonicalJson(normalizeEntity(value).entity) };
    }
    catch (error) {
        return { error: String(error) };
    }
}
/** `__proto__` as it is, or with one of its characters escaped. */
const MAYBE_PROTO = /__proto__|\\u00(?:5[fF]|6[fF]|7[024])/;
function withoutProto(key, value) {
    return key === '__proto__' ? undefined : value;
}
/**
 * Writes the jobs it claims from `next`, a counter shared with the main
 * thread, which claims from the same list: whichever thread is free takes
 * the next file. Stops at the first error.
 */
function writeClaimed(jobs, next, textOf) {
    const written = [];
    for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
        const job = jobs[i];
        const text = textOf(job);
        if (text === undefined)
            return { written, error: { message: `no text is held for ${job.file}` } };
        // Counted before the call: a write that fails may still have made the file.
        written.push(i);
        try {
            (0,external_node_fs_namespaceObject.writeFileSync)(job.file, text, { encoding: 'utf8', flag: job.exclusive ? 'wx' : 'w' });
        }
        catch (error) {
            const { message, code } = error;
            return { written, error: { message: String(message), code } };
        }
    }
    return { written };
}
if (!external_node_worker_threads_namespaceObject.isMainThread && external_node_worker_threads_namespaceObject.workerData?.role === WORKER_ROLE && external_node_worker_threads_namespaceObject.parentPort) {
    const port = external_node_worker_threads_namespaceObject.parentPort;
    const held = new Map();
    port.on('message', (request) => {
        if ('release' in request) {
            for (const key of request.release)
                held.delete(key);
        }
        else if ('write' in request) {
            const report = writeClaimed(request.write, request.next, job => held.get(job.held));
            port.postMessage({ id: request.id, report });
        }
        else {
            const results = request.texts.map(serializeEntity);
            results.forEach((result, i) => {
                const key = request.keys[i];
                if ('text' in result && key !== null)
                    held.set(key, result.text);
            });
            port.postMessage({ id: request.id, results });
        }
    });
}
/** The main thread's side: entities in, canonical JSON out, in the helper thread when it runs. */
class ExportWorker {
    #worker;
    #nextId = 0;
    #nextKey = 0;
    #pending = new Map();
    /** Texts handed in since the last message: one message for all that arrived in one turn of the event loop. */
    #queue = [];
    constructor(worker) {
        this.#worker = worker;
        worker?.on('message', (answer) => {
            const pending = this.#pending.get(answer.id);
            this.#pending.delete(answer.id);
            pending?.answer(answer);
            // Idle, the thread keeps no process alive.
            if (this.#pending.size === 0)
                this.#worker?.unref();
        });
        worker?.on('error', () => this.#fallBack());
        worker?.on('exit', () => this.#fallBack());
        worker?.unref();
    }
    /**
     * The process's helper thread, started on first use (or, when threads
     * cannot start, a stand-in that works on the main thread). It lives as long
     * as the process, idle between exports.
     */
    static shared() {
        shared ??= ExportWorker.create();
        return shared;
    }
    /** A helper thread of its own, from `start` (the tests' way to make one fail). */
    static create(start = spawn) {
        try {
            return new ExportWorker(start());
        }
        catch {
            return new ExportWorker(undefined);
        }
    }
    /** Whether the work goes to the helper thread (false: it is done on the main thread). */
    get threaded() {
        return this.#worker !== undefined;
    }
    /** Stops the helper thread; what it still owed is done on the main thread. */
    async close() {
        const worker = this.#worker;
        this.#fallBack();
        await worker?.terminate();
    }
    /**
     * The canonical JSON of the entity whose JSON text is `json`. With `held`,
     * the helper thread keeps the text for writeHeld, under a key it adds to
     * `held` (the caller's list of what to release).
     */
    async serialize(json, held) {
        if (!this.#worker)
            return serializeEntity(json);
        const key = held ? this.#nextKey++ : null;
        if (key !== null)
            held?.push(key);
        return new Promise(resolve => {
            if (this.#queue.length === 0)
                setImmediate(() => this.#flush());
            this.#queue.push({ text: json, key, resolve });
        });
    }
    /**
     * Writes files from texts the helper thread holds: the thread claims jobs
     * from `next` as the caller does (writeClaimed). Without a thread it writes
     * none; when the thread ends before answering, the report says it was lost.
     */
    async writeHeld(jobs, next) {
        const worker = this.#worker;
        if (!worker)
            return { written: [] };
        return new Promise(resolve => {
            const id = this.#nextId++;
            this.#pending.set(id, {
                answer: answer => resolve('report' in answer ? answer.report : { written: [], lost: true }),
                orphan: () => resolve({ written: [], lost: true })
            });
            worker.ref();
            worker.postMessage({ id, write: jobs, next });
        });
    }
    /**
     * Serializes here the texts not sent to the helper thread yet (those handed
     * in since the event loop's last turn): for a caller that would otherwise
     * wait for them, as export does for the last entities of its last batch.
     * The helper thread holds none of them (their results have no `held`).
     * Answers how many there were.
     */
    serializeQueued() {
        const queue = this.#queue;
        this.#queue = [];
        serializeHere(queue);
        return queue.length;
    }
    /** Lets the helper thread forget the texts it holds under `keys`. */
    release(keys) {
        if (!this.#worker || keys.length === 0)
            return;
        // Texts still queued go first, so that none is held after its release.
        this.#flush();
        this.#worker.postMessage({ release: [...keys] });
    }
    #flush() {
        const queue = this.#queue;
        if (queue.length === 0)
            return;
        this.#queue = [];
        const worker = this.#worker;
        if (!worker) {
            serializeHere(queue);
            return;
        }
        const id = this.#nextId++;
        this.#pending.set(id, {
            answer: answer => {
                if (!('results' in answer))
                    return;
                answer.results.forEach((result, i) => {
                    const { key, resolve } = queue[i];
                    resolve('text' in result && key !== null ? { ...result, held: key } : result);
                });
            },
            orphan: () => serializeHere(queue)
        });
        worker.ref();
        const texts = queue.map(item => item.text);
        const keys = queue.map(item => item.key);
        worker.postMessage({ id, texts, keys });
    }
    /** The thread failed or ended: what it still owed is done here, and all that follows. */
    #fallBack() {
        if (!this.#worker)
            return;
        this.#worker.removeAllListeners('message');
        this.#worker = undefined;
        const pending = [...this.#pending.values()];
        this.#pending.clear();
        for (const request of pending)
            request.orphan();
        this.#flush();
    }
}
/** Serializes queued texts on this thread, as the helper thread would. */
function serializeHere(queue) {
    for (const { text, resolve } of queue)
        resolve(serializeEntity(text));
}
let shared;
function spawn() {
    const self = new URL(import.meta.url);
    const options = { workerData: { role: WORKER_ROLE } };
    if (!self.pathname.endsWith('.ts')) {
        // Bundled: dist/index.js and dist/cli/index.js find the worker's bundle beside or above them.
        const bundle = ['./export-worker/index.js', '../export-worker/index.js']
            .map(relative => (0,external_node_url_namespaceObject.fileURLToPath)(new URL(relative, self)))
            .find(file => (0,external_node_fs_namespaceObject.existsSync)(file));
        if (!bundle)
            throw new Error('the export worker bundle is missing');
        return new external_node_worker_threads_namespaceObject.Worker(bundle, options);
    }
    // From the TypeScript sources: through tsx, which the project's development dependencies have.
    const href = JSON.stringify(self.href);
    return new external_node_worker_threads_namespaceObject.Worker(`import('tsx/esm/api').then(({tsImport}) => tsImport(${href}, ${href}))`, {
        ...options,
        eval: true
    });
}

var __webpack_exports__ExportWorker = __webpack_exports__.nT;
var __webpack_exports__WORKER_ROLE = __webpack_exports__.MJ;
var __webpack_exports__serializeEntity = __webpack_exports__.sy;
export { __webpack_exports__ExportWorker as ExportWorker, __webpack_exports__WORKER_ROLE as WORKER_ROLE, __webpack_exports__serializeEntity as serializeEntity };
