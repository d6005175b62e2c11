/// Decodes any `Decodable` from an `IRValue` tree (JSON read by
/// `JSONValueReader`), the inverse of `IRValueEncoder`: dictionary order,
/// floats and big integers come back exactly as they were written.
package struct IRValueDecoder {
    package init() {}

    package func decode<T: Decodable>(_ type: T.Type, from value: IRValue) throws -> T {
        try DecodingBox(value: value, codingPath: []).decodeValue(type)
    }

    /// Parses JSON text and decodes it.
    package func decode<T: Decodable>(_ type: T.Type, fromJSON bytes: some Collection<UInt8>) throws -> T {
        switch JSONValueReader.parse(String(decoding: bytes, as: UTF8.self)) {
        case .success(let v): return try decode(type, from: v)
        case .failure(let f):
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "invalid JSON at byte \(f.offset): \(f.message)"))
        }
    }
}

struct DecodingBox: Decoder {
    let value: IRValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if type == IRValue.self { return value as! T }
        return try T(from: self)
    }

    func mismatch(_ what: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(what), found \(value.kindName)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .dict(let entries) = value else { throw mismatch("an object") }
        var fields: [String: IRValue] = [:]
        for e in entries { fields[e.key] = e.value }
        return KeyedDecodingContainer(Keyed<Key>(fields: fields, order: entries.map(\.key), codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .list(let items) = value else { throw mismatch("an array") }
        return Unkeyed(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(box: self) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let fields: [String: IRValue]
        let order: [String]
        let codingPath: [any CodingKey]
        var allKeys: [Key] { order.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

        func box(_ key: Key) throws -> DecodingBox {
            guard let v = fields[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \"\(key.stringValue)\""))
            }
            return DecodingBox(value: v, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null? = fields[key.stringValue] { return true }
            return fields[key.stringValue] == nil
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try box(key).decodeValue(type) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let v = fields[key.stringValue] else { return nil }
            if case .null = v, type != IRValue.self { return nil }
            return try DecodingBox(value: v, codingPath: codingPath + [key]).decodeValue(type)
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try box(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try box(key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { DecodingBox(value: .dict(order.map { IRValue.Entry($0, fields[$0]!) }), codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try box(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [IRValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        mutating func next() throws -> DecodingBox {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "array ended"))
            }
            defer { currentIndex += 1 }
            return DecodingBox(value: items[currentIndex], codingPath: codingPath + [EncodingBox.IndexKey(currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, case .null = items[currentIndex] else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let box: DecodingBox
        var codingPath: [any CodingKey] { box.codingPath }

        func decodeNil() -> Bool { if case .null = box.value { return true } else { return false } }
        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let b) = box.value else { throw box.mismatch("a boolean") }
            return b
        }
        func decode(_ type: String.Type) throws -> String {
            guard case .string(let s) = box.value else { throw box.mismatch("a string") }
            return s
        }
        func decode(_ type: Double.Type) throws -> Double {
            switch box.value {
            case .float(let d): return d
            case .int(let i): return Double(i)
            default: throw box.mismatch("a number")
            }
        }
        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
        func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
            switch box.value {
            case .int(let i):
                guard let v = I(exactly: i) else { throw box.mismatch("an integer that fits \(I.self)") }
                return v
            case .bigInt(let s):
                guard let v = I(s) else { throw box.mismatch("an integer that fits \(I.self)") }
                return v
            default: throw box.mismatch("an integer")
            }
        }
        func decode(_ type: Int.Type) throws -> Int { try integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try box.decodeValue(type) }
    }
}

extension IRValue {
    /// What kind of JSON value this is, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .bigInt, .float: "a number"
        case .string: "a string"
        case .list: "an array"
        case .dict: "an object"
        }
    }
}
