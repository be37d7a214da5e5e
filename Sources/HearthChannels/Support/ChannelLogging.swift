public import Logging

/// The logger the adapters use unless given another.
public enum ChannelLogging {
    public static var logger: Logger { Logger(label: "hearth.channels") }
}
