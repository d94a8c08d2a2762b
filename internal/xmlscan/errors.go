package xmlscan

import "strconv"

// Stream error conditions (RFC 6120 section 4.9.3) that the tokenizer
// reports.
const (
	CondNotWellFormed       = "not-well-formed"
	CondRestrictedXML       = "restricted-xml"
	CondInvalidNamespace    = "invalid-namespace"
	CondPolicyViolation     = "policy-violation"
	CondUnsupportedEncoding = "unsupported-encoding"
)

// Error is a syntax or limit error in the input. Cond is the stream error
// condition the peer should be sent; Offset is the byte offset in the
// stream (since the last Reset) where the offending token starts.
type Error struct {
	Cond   string
	Offset int64
	Msg    string
}

// Error describes the problem with its condition and offset.
func (e *Error) Error() string {
	return "xml: " + e.Cond + " at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
}
