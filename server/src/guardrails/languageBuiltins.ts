/**
 * Names every program in a language may use without defining or importing them: keywords, built-in
 * functions and types, and the global objects of the usual runtime. The unknown-identifier check treats them
 * as known. Pure data; languages missing here are not checked at all (no list, no claim).
 */

const python = `False None True and as assert async await break class continue def del elif else except finally for
from global if import in is lambda nonlocal not or pass raise return try while with yield match case self cls
abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex
delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex
id input int isinstance issubclass iter len list locals map max memoryview min next object oct open ord pow
print property range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip
__import__ __name__ __file__ __doc__ __init__ __main__ __all__ __class__ __dict__ __version__ NotImplemented Ellipsis
BaseException Exception ArithmeticError AssertionError AttributeError BlockingIOError BufferError EOFError
FileExistsError FileNotFoundError FloatingPointError GeneratorExit ImportError IndexError InterruptedError
IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError
NotADirectoryError NotImplementedError OSError OverflowError PermissionError ProcessLookupError RecursionError
ReferenceError RuntimeError StopAsyncIteration StopIteration SyntaxError SystemError SystemExit TabError
TimeoutError TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError ValueError
ZeroDivisionError Warning DeprecationWarning UserWarning RuntimeWarning FutureWarning IOError EnvironmentError`;

const javascript = `break case catch class const continue debugger default delete do else export extends false finally for
function if import in instanceof let new null return super switch this throw true try typeof var void while with
yield async await of static get set undefined NaN Infinity globalThis arguments
Array ArrayBuffer BigInt Boolean DataView Date Error EvalError Float32Array Float64Array Function Int8Array
Int16Array Int32Array Intl JSON Map Math Number Object Promise Proxy RangeError ReferenceError Reflect RegExp Set
String Symbol SyntaxError TypeError URIError Uint8Array Uint8ClampedArray Uint16Array Uint32Array WeakMap WeakSet
WeakRef AggregateError BigInt64Array BigUint64Array FinalizationRegistry SharedArrayBuffer Atomics
decodeURI decodeURIComponent encodeURI encodeURIComponent escape unescape eval isFinite isNaN parseFloat parseInt
console process require module exports __dirname __filename Buffer setTimeout clearTimeout setInterval
clearInterval setImmediate clearImmediate queueMicrotask structuredClone fetch URL URLSearchParams TextEncoder
TextDecoder AbortController AbortSignal Event EventTarget performance crypto atob btoa window document navigator
localStorage sessionStorage location history alert confirm Blob File FormData Headers Request Response
WebSocket Worker HTMLElement Element Node`;

const typescript = `${javascript} any unknown never object number string boolean symbol bigint type interface enum
namespace declare abstract implements private protected public readonly keyof infer is asserts satisfies
override accessor Partial Required Readonly Record Pick Omit Exclude Extract NonNullable ReturnType Parameters
InstanceType Awaited PromiseLike ReadonlyArray ArrayLike Iterable Iterator AsyncIterable IterableIterator
NodeJS PropertyKey ThisType Uppercase Lowercase Capitalize Uncapitalize`;

const go = `break case chan const continue default defer else fallthrough for func go goto if import interface map
package range return select struct switch type var bool byte complex64 complex128 error float32 float64 int int8
int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr any comparable true false iota nil append
cap clear close complex copy delete imag len make max min new panic print println real recover`;

const rust = `as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod
move mut pub ref return self Self static struct super trait true type unsafe use where while i8 i16 i32 i64 i128
isize u8 u16 u32 u64 u128 usize f32 f64 bool char str String Vec Option Some None Result Ok Err Box Rc Arc
Cell RefCell HashMap HashSet BTreeMap BTreeSet VecDeque Default Clone Copy Debug Display Drop Eq PartialEq Ord
PartialOrd Hash Iterator IntoIterator From Into TryFrom TryInto AsRef AsMut Send Sync Sized ToString ToOwned Fn
FnMut FnOnce println print eprintln eprint format vec panic assert assert_eq assert_ne debug_assert write
writeln unreachable unimplemented todo matches include_str env concat stringify dbg std core alloc`;

const java = `abstract assert boolean break byte case catch char class const continue default do double else enum
extends final finally float for goto if implements import instanceof int interface long native new package
private protected public return short static strictfp super switch synchronized this throw throws transient try
void volatile while true false null var record yield sealed permits String Object Integer Long Double Float
Boolean Character Byte Short Math System Thread Runnable Exception RuntimeException Error Throwable
IllegalArgumentException IllegalStateException NullPointerException IndexOutOfBoundsException
UnsupportedOperationException IOException Override Deprecated SuppressWarnings FunctionalInterface Iterable
Comparable CharSequence StringBuilder StringBuffer Class Void Number Enum Record List ArrayList Map HashMap Set
HashSet Optional Arrays Collections Objects`;

const lists: Record<string, string> = { python, javascript, typescript, tsx: typescript, go, rust, java };

const cache = new Map<string, ReadonlySet<string>>();

/** The language's built-in names, or undefined when Hearth has no list for it. */
export function languageBuiltins(language: string): ReadonlySet<string> | undefined {
  const source = lists[language];
  if (source === undefined) return undefined;
  let set = cache.get(language);
  if (!set) {
    set = new Set(source.split(/\s+/).filter(Boolean));
    cache.set(language, set);
  }
  return set;
}
