/// The peer broke the framing rules; the connection is closed with this reason, logged once.
public struct WireProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The length field announces more than the maximum frame size.
        public static let frameTooLarge = Code("frameTooLarge")
        /// The frame is shorter than its fixed header.
        public static let frameTooShort = Code("frameTooShort")
        /// The kind byte names no known frame.
        public static let unknownFrameKind = Code("unknownFrameKind")
        /// A frame arrived that makes no sense in the stream's state.
        public static let unexpectedFrame = Code("unexpectedFrame")
        /// A frame body could not be parsed.
        public static let malformedBody = Code("malformedBody")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "protocol error (\(code)): \(message)" }
}
