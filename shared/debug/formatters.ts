// Debugger formatters for universal references, generated from the codec's member table and
// placeholders so the codec stays the one source of truth: a gdb pretty-printer and an lldb
// summary with synthetic children. Both share one Python decoder printed from the profile.
import { FIELD_NAMES, type FieldName, PLACEHOLDERS, type UrslProfile } from '../ursl/profile';

/** The members that hold pointers: shown in hex. */
const POINTER_FIELDS: ReadonlySet<FieldName> = new Set<FieldName>(['objectPointer', 'typePointer', 'regionPointer']);

/** How a decoded field is shown: pointers in hex, the other members (generations, an offset, a mask) in decimal. */
export function fieldFormat(field: FieldName): 'hex' | 'decimal' {
  return POINTER_FIELDS.has(field) ? 'hex' : 'decimal';
}

/** Shows a decoded value the way the debugger helpers do. */
export function showField(field: FieldName, value: bigint): string {
  return fieldFormat(field) === 'decimal' ? value.toString() : `0x${value.toString(16)}`;
}

/** The C members of `<project>_<Name>Ref` as the backend writes them: name and size in bytes. */
export const REF_WORDS: readonly (readonly [string, number])[] = [
  ['unused0', 8],
  ['unused1', 8],
  ['unused2', 8],
  ['unused3', 4],
  ['unused4', 4],
];

export const GDB_HELPER_FILE = 'vale_ffi_gdb.py';
export const LLDB_HELPER_FILE = 'vale_ffi_lldb.py';
/** The module name lldb gives `command script import …/vale_ffi_lldb.py`. */
const LLDB_MODULE = LLDB_HELPER_FILE.replace(/\.py$/, '');

const py = (s: string): string => `'${s}'`;

/** The Python both helpers share: the profile as data, the decoder and the summary line. */
function decoderPython(profile: UrslProfile): string {
  const members = profile.members.map((m) => `    (${py(m.field)}, ${m.bits}, ${py(m.compression)}),`).join('\n');
  const placeholders = FIELD_NAMES.flatMap((f) => {
    const p = PLACEHOLDERS[f];
    return p ? [`    ${py(f)}: 0x${p.value.toString(16)},`] : [];
  }).join('\n');
  return `PROFILE = ${py(profile.name)}
# The members in packing order, the first in the most significant bits: (field, bits, compression).
# pointer56: a 64-bit pointer truncated to 56 bits; pointer52: the 56-bit form shifted right by 4.
MEMBERS = (
${members}
)
# The children, in the codec's field order.
FIELDS = (${FIELD_NAMES.map(py).join(', ')})
DECIMAL = frozenset((${FIELD_NAMES.filter((f) => fieldFormat(f) === 'decimal')
    .map(py)
    .join(', ')},))
POINTERS = frozenset((${profile.members
    .filter((m) => m.compression !== 'plain')
    .map((m) => py(m.field))
    .join(', ')},))
# The constants the backend writes where the real value is not wired yet.
PLACEHOLDERS = {
${placeholders}
}
# The C members of <project>_<Name>Ref: (name, size in bytes), in memory order.
WORDS = (${REF_WORDS.map(([n, s]) => `(${py(n)}, ${s})`).join(', ')})

_MASK64 = (1 << 64) - 1
_HIGH8 = _MASK64 ^ ((1 << 56) - 1)


def decode(data):
    """32 bytes in memory order -> {field: value}, pointers decompressed (sign-extended, 52-bit ones shifted left by 4)."""
    packed = int.from_bytes(bytes(data), 'little')
    top = 256
    fields = {}
    for name, bits, compression in MEMBERS:
        top -= bits
        value = (packed >> top) & ((1 << bits) - 1)
        if compression == 'pointer52':
            value <<= 4
        if compression != 'plain' and value & (1 << 55):
            value |= _HIGH8
        fields[name] = value
    return fields


def words_to_bytes(words):
    """The five C members' values (unused0..unused4) -> the 32 bytes in memory order."""
    out = b''
    for (name, size), value in zip(WORDS, words):
        out += (int(value) & ((1 << (8 * size)) - 1)).to_bytes(size, 'little')
    return out


def shown(name, value):
    return '%d' % value if name in DECIMAL else '0x%x' % value


def is_placeholder(name, value):
    return PLACEHOLDERS.get(name) == value


def kind_of(type_name):
    """vtest_SpaceshipRef -> vtest_Spaceship: the generated name of the Vale kind."""
    name = (type_name or '').replace('struct ', '').strip()
    return name[:-3] if name.endswith('Ref') and len(name) > 3 else (name or 'universal reference')


def summary_line(type_name, fields, symbol=None):
    """One line: the kind, the object pointer and generation, the itable's symbol, the placeholders."""
    obj = fields['objectPointer']
    gen = fields['objectGeneration']
    text = '%s %s' % (kind_of(type_name), 'null' if obj == 0 else '@ 0x%x' % obj)
    text += ' gen %s' % shown('objectGeneration', gen)
    if is_placeholder('objectGeneration', gen):
        text += ' (placeholder)'
    if symbol:
        text += ', type <%s>' % symbol
    others = [f for f in FIELDS if f != 'objectGeneration' and is_placeholder(f, fields[f])]
    if others:
        text += '; placeholders: ' + ', '.join(others)
    return text
`;
}

function header(profile: UrslProfile, version: string, how: string): string {
  return `# Vale universal references (<project>_<Name>Ref, 32 bytes) decoded for ${how}.
# Generated by vale-ffi ${version} from its URSL codec, profile ${profile.name}: ${profile.description}.
# Do not edit: run \`vale-ffi debug-helpers --out DIR${profile.name === 'backend' ? '' : ` --profile ${profile.name}`}\` again.
`;
}

/** A gdb pretty-printer: `source vale_ffi_gdb.py`. */
export function gdbHelper(profile: UrslProfile, version: string): string {
  return `${header(profile, version, 'gdb: source this file (gdb -x FILE, or `source FILE`)')}
import gdb

${decoderPython(profile)}

def _is_reference(t):
    """A struct of five members unused0..unused4 of 8, 8, 8, 4, 4 bytes, whatever its name."""
    t = t.strip_typedefs()
    if t.code != gdb.TYPE_CODE_STRUCT:
        return False
    fields = t.fields()
    if len(fields) != len(WORDS):
        return False
    for f, (name, size) in zip(fields, WORDS):
        if f.name != name or f.type.strip_typedefs().sizeof != size:
            return False
    return True


def _symbol(address):
    """The symbol at an address (the itable a type pointer points at), or None."""
    if address == 0:
        return None
    try:
        block = gdb.block_for_pc(address)
        if block is not None and block.function is not None and block.start == address:
            return block.function.print_name
        text = gdb.execute('info symbol 0x%x' % address, to_string=True).strip()
    except Exception:
        return None
    if not text or text.startswith('No symbol'):
        return None
    return text.split(' in section ')[0]


class UniversalReferencePrinter(object):
    """A reference: a one-line summary and the seven decoded fields as children."""

    def __init__(self, value, pointer=None):
        self.value = value
        self.pointer = pointer
        name = str(value.type.unqualified())
        tag = value.type.strip_typedefs().tag or ''
        self.type_name = name if name.endswith('Ref') or not tag.endswith('Ref') else tag
        self.fields = None
        self.error = None
        try:
            self.fields = decode(words_to_bytes([int(value[name]) for name, _ in WORDS]))
        except Exception as e:  # unreadable memory, or an optimised-out value
            self.error = str(e)

    def to_string(self):
        prefix = '(0x%x) ' % self.pointer if self.pointer is not None else ''
        if self.fields is None:
            return '%s<%s: cannot read the universal reference: %s>' % (prefix, kind_of(self.type_name), self.error)
        return prefix + summary_line(self.type_name, self.fields, _symbol(self.fields['typePointer']))

    def children(self):
        if self.fields is None:
            return
        for name in FIELDS:
            value = self.fields[name]
            text = shown(name, value)
            if name == 'typePointer':
                symbol = _symbol(value)
                if symbol:
                    text += ' <%s>' % symbol
            yield name, text


class _PointerPrinter(object):
    def __init__(self, pointer):
        self.pointer = pointer

    def to_string(self):
        return '0x0'


def lookup(value):
    t = value.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR and _is_reference(t.target()):
        address = int(value)
        if address == 0:
            return _PointerPrinter(value)
        return UniversalReferencePrinter(value.dereference(), address)
    if _is_reference(t):
        return UniversalReferencePrinter(value)
    return None


def _register():
    for i, existing in enumerate(gdb.pretty_printers):
        if getattr(existing, '__name__', '') == 'lookup' and getattr(existing, '__module__', None) == __name__:
            del gdb.pretty_printers[i]
            break
    gdb.pretty_printers.append(lookup)


_register()
`;
}

/** An lldb summary and synthetic children: `command script import vale_ffi_lldb.py`. */
export function lldbHelper(profile: UrslProfile, version: string): string {
  return `${header(profile, version, 'lldb: command script import FILE')}
import lldb

${decoderPython(profile)}

def is_reference(sbtype, internal_dict):
    """A struct of five members unused0..unused4 of 8, 8, 8, 4, 4 bytes, whatever its name."""
    t = sbtype.GetCanonicalType()
    if t.GetTypeClass() not in (lldb.eTypeClassStruct, lldb.eTypeClassClass):
        return False
    if t.GetNumberOfFields() != len(WORDS):
        return False
    for i, (name, size) in enumerate(WORDS):
        f = t.GetFieldAtIndex(i)
        if f.GetName() != name or f.GetType().GetByteSize() != size:
            return False
    return True


def _ref_name(sbtype):
    """The type's name, or the struct's own name under a typedef when only that one ends in Ref."""
    name = sbtype.GetName()
    canonical = sbtype.GetCanonicalType().GetName()
    return name if name.endswith('Ref') or not canonical.endswith('Ref') else canonical


def _target(valobj):
    return valobj.GetTarget()


def _read(valobj):
    """(type name, fields, None) or (type name, None, the reason it could not be read)."""
    value = valobj.GetNonSyntheticValue()
    if value.GetType().GetCanonicalType().IsPointerType():
        type_name = _ref_name(value.GetType().GetPointeeType())
        address = value.GetValueAsUnsigned(0)
        if address == 0:
            return type_name, None, 'null pointer'
    else:
        type_name = _ref_name(value.GetType())
        address = value.GetLoadAddress()
    error = lldb.SBError()
    process = valobj.GetTarget().GetProcess()
    if address != lldb.LLDB_INVALID_ADDRESS and process.IsValid():
        raw = process.ReadMemory(address, 32, error)
        if error.Fail() or raw is None:
            return type_name, None, 'cannot read 32 bytes at 0x%x (%s)' % (address, error.GetCString() or 'unreadable')
        return type_name, decode(raw), None
    if value.GetError().Fail():
        return type_name, None, value.GetError().GetCString()
    data = value.GetData()
    if not data.IsValid() or data.GetByteSize() < 32:
        return type_name, None, 'no 32 bytes to read'
    raw = data.ReadRawData(error, 0, 32)
    if error.Fail() or raw is None:
        return type_name, None, error.GetCString() or 'unreadable memory'
    return type_name, decode(raw), None


def _symbol(target, address):
    if address == 0 or not target.IsValid():
        return None
    symbol = target.ResolveLoadAddress(address).GetSymbol()
    if not symbol.IsValid() or not symbol.GetName():
        return None
    start = symbol.GetStartAddress().GetLoadAddress(target)
    return symbol.GetName() if start == address or start == lldb.LLDB_INVALID_ADDRESS else '%s+%d' % (symbol.GetName(), address - start)


def summary(valobj, internal_dict):
    try:
        type_name, fields, error = _read(valobj)
        if fields is None:
            return '<%s: cannot read the universal reference: %s>' % (kind_of(type_name), error)
        return summary_line(type_name, fields, _symbol(_target(valobj), fields['typePointer']))
    except Exception as e:  # never break the debugger
        return '<cannot read the universal reference: %s>' % e



class Children(object):
    """The seven decoded fields as children, in the codec's order."""

    def __init__(self, valobj, internal_dict):
        self.valobj = valobj
        self.fields = None

    def update(self):
        try:
            self.fields = _read(self.valobj)[1]
        except Exception:
            self.fields = None
        return False

    def has_children(self):
        return True

    def num_children(self):
        return len(FIELDS) if self.fields is not None else 0

    def get_child_index(self, name):
        return FIELDS.index(name) if name in FIELDS else -1

    def get_child_at_index(self, index):
        if self.fields is None or not 0 <= index < len(FIELDS):
            return None
        name = FIELDS[index]
        target = _target(self.valobj)
        # Pointers as void * (every front end shows those in hex, lldb-dap too), the rest as numbers.
        if name in DECIMAL:
            child_type = target.GetBasicType(lldb.eBasicTypeUnsignedLongLong)
        else:
            child_type = target.GetBasicType(lldb.eBasicTypeVoid).GetPointerType()
        data = lldb.SBData.CreateDataFromUInt64Array(target.GetByteOrder(), target.GetAddressByteSize(), [self.fields[name]])
        return self.valobj.CreateValueFromData(name, data, child_type)


def __lldb_init_module(debugger, internal_dict):
    debugger.HandleCommand('type summary add --expand --recognizer-function -F ${LLDB_MODULE}.summary ${LLDB_MODULE}.is_reference')
    debugger.HandleCommand('type synthetic add --recognizer-function -l ${LLDB_MODULE}.Children ${LLDB_MODULE}.is_reference')
`;
}
