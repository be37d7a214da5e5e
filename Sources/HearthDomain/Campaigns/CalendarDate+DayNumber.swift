extension CalendarDate {
    /// Days since 1970-01-01 (negative before it) on the proleptic Gregorian calendar: the
    /// arithmetic schedules need ("the day before", "next Thursday") without a `Calendar`, whose
    /// answers around DST changes differ between Foundation implementations.
    var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }

    /// The date `dayNumber` days after 1970-01-01; `nil` outside the years 1 to 9999.
    init?(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(year: year, month: month, day: day)
    }

    /// Howard Hinnant's days_from_civil.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day of the week (1970-01-01 was a Thursday).
    var weekday: Weekday { Weekday(isoNumber: Self.isoWeekday(ofDayNumber: dayNumber)) ?? .monday }

    /// 1 (Monday) to 7 (Sunday).
    static func isoWeekday(ofDayNumber dayNumber: Int) -> Int {
        ((dayNumber % 7 + 7 + 3) % 7) + 1
    }

    /// 28 to 31.
    var numberOfDaysInMonth: Int { Self.numberOfDays(inMonth: month, year: year) }

    static func numberOfDays(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
