import Foundation
import HearthDomain
import Testing

@Suite("Phone numbers in E.164")
struct PhoneNumberTests {
    @Test(arguments: [
        // Mainland mobiles, however typed
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("138.0013.8000", "+8613800138000"),
        ("138–0013–8000", "+8613800138000"),
        ("  19912345678\n", "+8619912345678"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
        ("(+86) 138-0013-8000", "+8613800138000"),
        ("0086 138 0013 8000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("86 138 0013 8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("013800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("＋８６　１３８　００１３　８０００", "+8613800138000"),
        // Mainland landlines: the trunk 0 goes
        ("010-12345678", "+861012345678"),
        ("(010) 1234 5678", "+861012345678"),
        ("（０１０）１２３４－５６７８", "+861012345678"),
        ("020 8888 6666", "+862088886666"),
        ("(0755) 1234 5678", "+8675512345678"),
        ("0755-1234567", "+867551234567"),
        ("+86 755 1234 5678", "+8675512345678"),
        ("+86 (0)10 1234 5678", "+861012345678"),
        ("86 10 1234 5678", "+861012345678"),
        // Other countries with + or 00
        ("+44 20 7946 0958", "+442079460958"),
        ("＋４４ ２０ ７９４６ ０９５８", "+442079460958"),
        ("0049 30 1234567", "+49301234567"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+852 9123 4567", "+85291234567"),
        ("+853 6612 3456", "+85366123456"),
        ("+886 912 345 678", "+886912345678"),
        ("+886 (0)2 2345 6789", "+886223456789"),
        ("+971 50 123 4567", "+971501234567"),
    ])
    func acceptedSpellingsBecomeE164(input: String, expected: String) throws {
        let number = try PhoneNumber(parsing: input)
        #expect(number.e164 == expected)
        #expect(number.description == expected)
    }

    @Test(
        arguments: [
            (.hk, "9123 4567", "+85291234567"),
            (.hk, "852 9123 4567", "+85291234567"),
            (.hk, "+86 138 0013 8000", "+8613800138000"),
            (.mo, "6612 3456", "+85366123456"),
            (.mo, "853-6612-3456", "+85366123456"),
            (.tw, "0912-345-678", "+886912345678"),
            (.tw, "(02) 2345-6789", "+886223456789"),
            (.tw, "(037) 123456", "+88637123456"),
            (.tw, "886 912 345 678", "+886912345678"),
            (.us, "(415) 555-2671", "+14155552671"),
            (.us, "1-415-555-2671", "+14155552671"),
            (.us, "415.555.2671", "+14155552671"),
            (.us, "0086 138 0013 8000", "+8613800138000"),
        ] as [(PhoneRegion, String, String)])
    func theDefaultRegionReadsNationalNumbers(region: PhoneRegion, input: String, expected: String) throws {
        #expect(try PhoneNumber(parsing: input, defaultRegion: region).e164 == expected)
    }

    @Test(
        arguments: [
            (.cn, "--", "it has no digits"),
            (.cn, "138001380", "a mainland mobile has 11 digits, this has 9"),
            (.cn, "138001380001", "a mainland mobile has 11 digits, this has 12"),
            (.cn, "+86 138 0013 800", "a mainland mobile has 11 digits, this has 10"),
            (.cn, "8613800138", "a mainland mobile has 11 digits, this has 8"),
            (.cn, "12800138000", "a mainland mobile starts with 13 to 19, this starts with 12"),
            (.cn, "10800138000", "a mainland mobile starts with 13 to 19, this starts with 10"),
            (.cn, "+86 12 3456 7890", "a mainland mobile starts with 13 to 19, this starts with 12"),
            (.cn, "010-1234567", "8 digits after area code 010, this has 7"),
            (.cn, "021-123456789", "8 digits after area code 021, this has 9"),
            (.cn, "0755-123456", "7 or 8 digits after area code 0755, this has 6"),
            (.cn, "0755-123456789", "7 or 8 digits after area code 0755, this has 9"),
            (.cn, "02", "this has only 1 after the 0"),
            (.cn, "555 1234", "a mainland number starts with 1 (a mobile)"),
            (.cn, "1380013800O", "it contains letters (\"O\")"),
            (.cn, "tel 13800138000", "it contains letters"),
            (.cn, "138#0013#8000", "\"#\", which is neither a digit nor a separator"),
            (.cn, "138+0013+8000", "a + may only stand before the country code"),
            (.cn, "++86 138 0013 8000", "a + may only stand before the country code"),
            (.cn, "+", "it has no digits after the +"),
            (.cn, "00", "it has no digits after the 00"),
            (.cn, "+0 1234 5678", "a country code never starts with 0"),
            (.cn, "+99 1234", "an international number has 8 to 15 digits, this has 6"),
            (.cn, "+49 1234 5678 9012 3456", "an international number has 8 to 15 digits, this has 18"),
            (.hk, "9123 456", "a Hong Kong number has 8 digits, this has 7"),
            (.hk, "13800138000", "a Hong Kong number has 8 digits, this has 11"),
            (.mo, "6612 345", "a Macau number has 8 digits, this has 7"),
            (.tw, "912 345 678", "a Taiwan number is written with its leading 0"),
            (.tw, "02 2345 67", "a Taiwan number has 8 or 9 digits after the 0, this has 7"),
            (.us, "415 555 267", "a North American number has 10 digits, this has 9"),
            (.us, "+1 415 555 26711", "a North American number has 10 digits, this has 11"),
            (.us, "015 555 2671", "a North American area code starts with 2 to 9, this starts with 0"),
            (.us, "13800138000", "3 digits after the area code start with 2 to 9, these start with 0"),
        ] as [(PhoneRegion, String, String)])
    func badInputIsRejectedWithAReason(region: PhoneRegion, input: String, reason: String) {
        let error = #expect(throws: DomainError.self) { _ = try PhoneNumber(parsing: input, defaultRegion: region) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.hasPrefix("\(input) is not a phone number: ") == true)
    }

    @Test func theMessageNamesTheInputAndTheFault() {
        let error = #expect(throws: DomainError.self) { _ = try PhoneNumber(parsing: "138001380") }
        #expect(error?.message == "138001380 is not a phone number: a mainland mobile has 11 digits, this has 9")
    }

    @Test(arguments: ["", "   ", "\u{3000}\n"])
    func anEmptyNumberIsRejected(input: String) {
        let error = #expect(throws: DomainError.self) { _ = try PhoneNumber(parsing: input) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == "a phone number cannot be empty")
    }

    @Test func aLongInputIsShortenedInTheMessage() {
        let input = String(repeating: "9", count: 60)
        let error = #expect(throws: DomainError.self) { _ = try PhoneNumber(parsing: "+" + input) }
        #expect(error?.message.hasPrefix("+" + String(repeating: "9", count: 39) + "… is not a phone number") == true)
        #expect(error?.message.contains("this has 60") == true)
    }

    @Test func regionsComeFromISOCodesInAnyCase() {
        #expect(PhoneRegion(code: "CN") == .cn)
        #expect(PhoneRegion(code: "cn") == .cn)
        #expect(PhoneRegion(code: "Hk") == .hk)
        #expect(PhoneRegion(code: "mo") == .mo)
        #expect(PhoneRegion(code: "TW") == .tw)
        #expect(PhoneRegion(code: "us") == .us)
        #expect(PhoneRegion(code: "JP") == nil)
        #expect(PhoneRegion(code: "CHN") == nil)
        #expect(PhoneRegion(code: "") == nil)
        #expect(PhoneRegion.allCases.map(\.countryCode) == ["86", "852", "853", "886", "1"])
    }

    @Test func aRegionIsStoredAsItsISOCode() throws {
        let data = try JSONEncoder().encode([PhoneRegion.tw])
        #expect(String(decoding: data, as: UTF8.self) == #"["TW"]"#)
        #expect(try JSONDecoder().decode([PhoneRegion].self, from: data) == [.tw])
    }

    @Test(arguments: [
        ("+8613800138000", "86", "+86*******8000"),
        ("+861012345678", "86", "+86******5678"),
        ("+85291234567", "852", "+852****4567"),
        ("+14155552671", "1", "+1******2671"),
        ("+442079460958", "44", "+44******0958"),
        ("+971501234567", "971", "+971*****4567"),
        ("+79123456789", "7", "+7******6789"),
    ])
    func logsSeeOnlyTheCountryAndTheLastFourDigits(e164: String, countryCode: String, masked: String) throws {
        let number = try PhoneNumber(parsing: e164)
        #expect(number.countryCode == countryCode)
        #expect(number.masked == masked)
    }

    @Test func onlyMainlandMobilesCountAsMobile() throws {
        #expect(try PhoneNumber(parsing: "13800138000").isMobile)
        #expect(try PhoneNumber(parsing: "+86 199 1234 5678").isMobile)
        #expect(try !PhoneNumber(parsing: "010-12345678").isMobile)
        #expect(try !PhoneNumber(parsing: "0755 1234 5678").isMobile)
        #expect(try !PhoneNumber(parsing: "+852 9123 4567").isMobile)
        #expect(try !PhoneNumber(parsing: "+1 415 555 2671").isMobile)
    }

    @Test func spellingsOfOneNumberAreEqual() throws {
        let spellings = ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "１３８ ００１３ ８０００"]
        let numbers = try Set(spellings.map { try PhoneNumber(parsing: $0) })
        #expect(numbers.count == 1)
    }

    @Test func codableRoundTripsAsE164Text() throws {
        let numbers = try [PhoneNumber(parsing: "138 0013 8000"), PhoneNumber(parsing: "+44 20 7946 0958")]
        let data = try JSONEncoder().encode(numbers)
        #expect(String(decoding: data, as: UTF8.self) == #"["+8613800138000","+442079460958"]"#)
        #expect(try JSONDecoder().decode([PhoneNumber].self, from: data) == numbers)
    }

    @Test(arguments: [#"["+86 138 0013 8000"]"#, #"["13800138000"]"#, #"["not a phone"]"#, #"[""]"#])
    func decodingAcceptsOnlyE164(json: String) {
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode([PhoneNumber].self, from: Data(json.utf8))
        }
    }
}
