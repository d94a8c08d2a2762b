// Package datetime reads and writes the XEP-0082 XMPP Date and Time
// Profiles: the one parser and the one formatter of timestamps in the
// module. XEP-0203 delays, XEP-0202 entity time, XEP-0313 archive queries
// and XEP-0004/0122 xs:dateTime form values all go through it, so that no
// two packages disagree about what a timestamp is.
//
// # Reading
//
// ParseDateTime reads the DateTime profile, CCYY-MM-DDThh:mm:ss[.sss]TZD,
// exactly as XEP-0082 writes it: a four-digit year, two-digit fields,
// upper-case 'T', a fraction after a period (any number of digits: the
// first nine are kept, nanoseconds, the rest are ignored) and a TZD, 'Z'
// or ±hh:mm of at most 14:00 (the range of XML Schema and of every real
// time zone). Every field is range-checked, February 30th included, and
// the year must still be between 0000 and 9999 once converted to UTC.
// The result is in UTC.
//
// This is stricter than time.RFC3339Nano, which the module used to read
// stamps with. Go's parser also accepts a comma before the fraction
// ("15:04:05,5Z"), a one-digit hour ("T1:04:05Z") and offsets up to 24
// hours or with 60 minutes; XEP-0082 allows none of them, and a second
// parser that does is a parser differential: one part of a program
// accepting a timestamp that another refuses. The differential fuzz tests
// of this package hold the old parsers and prove that these are the only
// differences.
//
// ParseDateTimeLenient is ParseDateTime with one exception, for the
// xs:dateTime values of data forms only: a value without TZD is taken as
// UTC, as XEP-0122 validation of xs:dateTime (an XML Schema datatype, in
// which the time zone is optional) requires.
//
// ParseTZD reads a TZD alone, as the <tzo/> of XEP-0202 carries it.
//
// # Writing
//
// FormatDateTime writes a DateTime in UTC with exactly three fractional
// digits, milliseconds ("2026-12-05T17:03:04.120Z"), truncating what is
// finer. XEP-0082 allows any number of digits, but peers do not read any
// number: Python's datetime, under slixmpp and other Python clients,
// fails on more than six, and the XEP-0082 examples use three. Of the
// servers the tests run against, Prosody stamps to the second and
// ejabberd to the microsecond. So the module reads any number of digits
// and writes three.
//
// Errors of the parsers are *Error values, which wrap ErrMalformed.
package datetime
