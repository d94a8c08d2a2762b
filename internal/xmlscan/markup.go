package xmlscan

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"
)

// errShort reports that a token does not end within the bytes given to a
// lexer; the caller reads more input and lexes again.
var errShort = errors.New("xmlscan: token continues past the buffer")

// markup reads a token that starts with '<'.
func (r *Reader) markup() error {
	off := r.offset()
	if err := r.need(2); err != nil {
		return err
	}
	switch r.buf[r.pos+1] {
	case '/':
		return r.endTag(off)
	case '?':
		return r.procInst(off)
	case '!':
		return r.bang(off)
	}
	return r.startTag(off)
}

// tagExtent returns the length of the tag at r.pos, up to and including
// its closing '>', skipping quoted attribute values.
func (r *Reader) tagExtent(off int64) (int, error) {
	var quote byte
	for i := 1; ; i++ {
		if i == r.end-r.pos {
			if err := r.need(i + 1); err != nil {
				return 0, err
			}
		}
		c := r.buf[r.pos+i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1, nil
		case c == '<':
			return 0, r.fail(CondNotWellFormed, off, "'<' inside a tag")
		}
	}
}

// qname parses a qualified name at t[i:] and returns prefix, local and the
// index after the name.
func (r *Reader) qname(t []byte, i int, off int64) (prefix, local []byte, next int, err error) {
	start, colon := i, -1
	for {
		// The first character of the prefix or local part.
		if i == len(t) {
			return nil, nil, 0, errShort
		}
		if c := t[i]; c < utf8.RuneSelf {
			if asciiName[c] != nameStart {
				return nil, nil, 0, r.fail(CondNotWellFormed, off, "missing or malformed name")
			}
			i++
		} else if i, err = r.nameRune(t, i, true, off); err != nil {
			return nil, nil, 0, err
		}
		// The rest of it.
		for {
			for i < len(t) && t[i] < utf8.RuneSelf && asciiName[t[i]] != nameNo {
				i++
			}
			if i == len(t) {
				return nil, nil, 0, errShort
			}
			if t[i] < utf8.RuneSelf {
				break
			}
			if i, err = r.nameRune(t, i, false, off); err != nil {
				return nil, nil, 0, err
			}
		}
		if t[i] != ':' {
			break
		}
		if colon >= 0 {
			return nil, nil, 0, r.fail(CondNotWellFormed, off, "malformed qualified name")
		}
		colon = i
		i++
	}
	if i-start > r.lim.MaxNameLen {
		return nil, nil, 0, r.fail(CondPolicyViolation, off, "name exceeds the length limit")
	}
	if colon < 0 {
		return nil, t[start:i], i, nil
	}
	return t[start:colon], t[colon+1 : i], i, nil
}

// nameRune checks the non-ASCII character at t[i] in a name and returns the
// index after it.
func (r *Reader) nameRune(t []byte, i int, first bool, off int64) (int, error) {
	if !utf8.FullRune(t[i:]) {
		return 0, errShort
	}
	rn, size := decodeRune(t[i:])
	if rn < 0 || !(isNameStartRune(rn) || (!first && isNameRune(rn))) {
		return 0, r.fail(CondNotWellFormed, off, "invalid character in a name")
	}
	return i + size, nil
}

func skipSpace(t []byte, i int) int {
	for i < len(t) && isSpace(t[i]) {
		i++
	}
	return i
}

func (r *Reader) startTag(off int64) error {
	if r.rootSeen && r.depth == 0 {
		return r.fail(CondNotWellFormed, off, "content after the root element")
	}
	// Lex the tag in place; only when it is not all buffered yet, read up
	// to its end and lex again.
	prefix, local, n, selfClose, err := r.lexStart(r.buf[r.pos:r.end], off)
	if err == errShort {
		var ext int
		if ext, err = r.tagExtent(off); err != nil {
			return err
		}
		prefix, local, n, selfClose, err = r.lexStart(r.buf[r.pos:r.pos+ext], off)
		if err == errShort {
			err = r.fail(CondNotWellFormed, off, "malformed tag")
		}
	}
	if err != nil {
		return err
	}
	if err := r.checkSize(n); err != nil {
		return err
	}
	if r.depth == r.lim.MaxDepth {
		return r.fail(CondPolicyViolation, off, "elements nested too deeply")
	}
	if err := r.pushElement(prefix, local, r.buf[r.pos:r.pos+n], off); err != nil {
		return err
	}
	r.declOK = false
	r.rootSeen = r.top > 0
	if r.depth == r.top+1 {
		r.elemStart = off
	}
	r.pos += n
	r.pendingEnd = selfClose
	return nil
}

// lexStart reads the start tag at the beginning of t into r.raw. It returns
// errShort if t ends before the tag does.
func (r *Reader) lexStart(t []byte, off int64) (prefix, local []byte, n int, selfClose bool, err error) {
	prefix, local, i, err := r.qname(t, 1, off)
	if err != nil {
		return nil, nil, 0, false, err
	}
	r.attrs = r.attrs[:0]
	r.vbuf = r.vbuf[:0]
	for {
		j := skipSpace(t, i)
		if j == len(t) {
			return nil, nil, 0, false, errShort
		}
		switch t[j] {
		case '>':
			return prefix, local, j + 1, false, nil
		case '/':
			if j+1 == len(t) {
				return nil, nil, 0, false, errShort
			}
			if t[j+1] != '>' {
				return nil, nil, 0, false, r.fail(CondNotWellFormed, off, "'/' not followed by '>' in a tag")
			}
			return prefix, local, j + 2, true, nil
		}
		if j == i {
			return nil, nil, 0, false, r.fail(CondNotWellFormed, off, "missing white space before an attribute")
		}
		if len(r.attrs) == r.lim.MaxAttrs {
			return nil, nil, 0, false, r.fail(CondPolicyViolation, off, "too many attributes")
		}
		next, err := r.attr(t, j, off)
		if err != nil {
			return nil, nil, 0, false, err
		}
		i = next
	}
}

// attr lexes one attribute at t[i:] and appends it to r.attrs, with its
// prefix, if any, in Space until pushElement resolves it.
func (r *Reader) attr(t []byte, i int, off int64) (int, error) {
	prefix, local, i, err := r.qname(t, i, off)
	if err != nil {
		return 0, err
	}
	i = skipSpace(t, i)
	if i == len(t) {
		return 0, errShort
	}
	if t[i] != '=' {
		return 0, r.fail(CondNotWellFormed, off, "attribute without a value")
	}
	i = skipSpace(t, i+1)
	if i == len(t) {
		return 0, errShort
	}
	q := t[i]
	if q != '"' && q != '\'' {
		return 0, r.fail(CondNotWellFormed, off, "unquoted attribute value")
	}
	end := bytes.IndexByte(t[i+1:], q)
	if end < 0 {
		return 0, errShort
	}
	end += i + 1
	v, err := r.value(t[i+1:end], off, true, false)
	if err != nil {
		return 0, err
	}
	r.attrs = append(r.attrs, Attr{Space: prefix, Local: local, Value: v})
	return end + 1, nil
}

// isDecl reports whether a lexed attribute is a namespace declaration.
func isDecl(a *Attr) bool {
	if a.Space == nil {
		return string(a.Local) == "xmlns"
	}
	return string(a.Space) == "xmlns"
}

// pushElement resolves namespaces for a start tag and opens its scope.
func (r *Reader) pushElement(prefix, local, t []byte, off int64) error {
	s := &r.ns
	sc := scope{bindings: len(s.bindings), data: len(s.data)}
	if len(s.scopes) > 0 {
		sc.def = s.top().def
	}
	decls, prefixed, defSeen := 0, false, false
	for i := range r.attrs {
		a := &r.attrs[i]
		switch {
		case a.Space == nil && string(a.Local) == "xmlns":
			if defSeen {
				return r.fail(CondNotWellFormed, off, "duplicate default namespace declaration")
			}
			if string(a.Value) == xmlURI || string(a.Value) == xmlnsURI {
				return r.fail(CondNotWellFormed, off, "reserved namespace as default namespace")
			}
			defSeen = true
			decls++
			sc.def = s.add(a.Value)
		case string(a.Space) == "xmlns":
			decls++
			if err := r.bind(a, sc.bindings, off); err != nil {
				return err
			}
		case a.Space != nil:
			prefixed = true
		}
	}
	s.scopes = append(s.scopes, sc)
	r.depth++
	top := s.top()
	if prefix == nil {
		top.space = top.def
	} else {
		if string(prefix) == "xmlns" {
			return r.fail(CondNotWellFormed, off, "element with the xmlns prefix")
		}
		uri, ok := s.lookup(prefix)
		if !ok {
			return r.fail(CondNotWellFormed, off, "unbound namespace prefix "+quoteBytes(prefix))
		}
		top.space = uri
	}
	top.qname = s.add(t[1 : 1+len(prefix)+len(local)+boolInt(prefix != nil)])
	top.local = top.qname.end - int32(len(local))
	if decls > 0 || prefixed {
		if err := r.resolveAttrs(off); err != nil {
			return err
		}
	}
	for i := 1; i < len(r.attrs); i++ {
		for j := range i {
			if bytes.Equal(r.attrs[i].Local, r.attrs[j].Local) && bytes.Equal(r.attrs[i].Space, r.attrs[j].Space) {
				return r.fail(CondNotWellFormed, off, "duplicate attribute "+quoteBytes(r.attrs[i].Local))
			}
		}
	}
	tok := &r.tok
	tok.Kind = StartElement
	tok.Space = s.bytes(top.space)
	tok.Local = s.data[top.local:top.qname.end:top.qname.end]
	tok.Attrs = r.attrs
	tok.Offset = off
	return nil
}

// resolveAttrs drops namespace declarations from r.attrs and replaces
// prefixes with namespaces.
func (r *Reader) resolveAttrs(off int64) error {
	s := &r.ns
	n := 0
	for i := range r.attrs {
		a := r.attrs[i]
		if isDecl(&a) {
			continue
		}
		if a.Space != nil {
			uri, ok := s.lookup(a.Space)
			if !ok {
				return r.fail(CondNotWellFormed, off, "unbound namespace prefix "+quoteBytes(a.Space))
			}
			a.Space = s.bytes(uri)
		}
		r.attrs[n] = a
		n++
	}
	r.attrs = r.attrs[:n]
	return nil
}

// bind records a prefix declaration xmlns:p='uri'; the bindings of the
// element being opened start at index first.
func (r *Reader) bind(a *Attr, first int, off int64) error {
	p := string(a.Local)
	v := string(a.Value)
	switch {
	case p == "xmlns":
		return r.fail(CondNotWellFormed, off, "the xmlns prefix cannot be declared")
	case p == "xml" && v != xmlURI:
		return r.fail(CondNotWellFormed, off, "the xml prefix is bound to its own namespace")
	case p != "xml" && (v == xmlURI || v == xmlnsURI):
		return r.fail(CondNotWellFormed, off, "reserved namespace bound to a prefix")
	case v == "":
		return r.fail(CondNotWellFormed, off, "prefix bound to the empty namespace")
	}
	s := &r.ns
	for _, b := range s.bindings[first:] {
		if string(s.bytes(b.prefix)) == p {
			return r.fail(CondNotWellFormed, off, "duplicate declaration of prefix "+quoteBytes(a.Local))
		}
	}
	s.bindings = append(s.bindings, binding{prefix: s.add(a.Local), uri: s.add(a.Value)})
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func quoteBytes(b []byte) string {
	if len(b) > 64 {
		b = b[:64]
	}
	return "\"" + strings.ToValidUTF8(string(b), "\uFFFD") + "\""
}

// endToken closes the innermost element and returns its end token.
func (r *Reader) endToken(off int64) {
	s := &r.ns
	top := s.top()
	tok := &r.tok
	tok.Kind = EndElement
	tok.Space = s.bytes(top.space)
	tok.Local = s.data[top.local:top.qname.end:top.qname.end]
	tok.Attrs = nil
	tok.Offset = off
	s.pop()
	r.depth--
	if r.depth == r.top {
		r.elemStart = -1
	}
}

func (r *Reader) endTag(off int64) error {
	if r.depth == 0 {
		return r.fail(CondNotWellFormed, off, "end tag without a start tag")
	}
	n, err := r.tagExtent(off)
	if err != nil {
		return err
	}
	if err := r.checkSize(n); err != nil {
		return err
	}
	t := r.buf[r.pos : r.pos+n]
	_, _, i, err := r.qname(t, 2, off)
	if err != nil {
		return err
	}
	if !bytes.Equal(t[2:i], r.ns.bytes(r.ns.top().qname)) {
		return r.fail(CondNotWellFormed, off, "end tag "+quoteBytes(t[2:i])+" does not match start tag "+quoteBytes(r.ns.bytes(r.ns.top().qname)))
	}
	if skipSpace(t, i) != n-1 {
		return r.fail(CondNotWellFormed, off, "malformed end tag")
	}
	r.pos += n
	r.endToken(off)
	return nil
}

// procInst handles "<?": the XML declaration where one is allowed, and
// otherwise a processing instruction, which restricted XML forbids.
func (r *Reader) procInst(off int64) error {
	if err := r.need(6); err != nil {
		return err
	}
	if !r.declOK || string(r.buf[r.pos:r.pos+5]) != "<?xml" || !isSpace(r.buf[r.pos+5]) {
		return r.fail(CondRestrictedXML, off, "processing instruction")
	}
	n, err := r.declExtent()
	if err != nil {
		return err
	}
	if err := r.xmlDecl(r.buf[r.pos+5:r.pos+n-2], off); err != nil {
		return err
	}
	r.pos += n
	r.declOK = false
	_, err = r.Next()
	return err
}

// declExtent returns the length of the declaration up to "?>".
func (r *Reader) declExtent() (int, error) {
	for i := 2; ; i++ {
		if i+1 >= r.end-r.pos {
			if i > 512 {
				return 0, r.fail(CondNotWellFormed, r.offset(), "XML declaration too long")
			}
			if err := r.need(i + 2); err != nil {
				return 0, err
			}
		}
		if r.buf[r.pos+i] == '?' && r.buf[r.pos+i+1] == '>' {
			return i + 2, nil
		}
	}
}

// xmlDecl checks the pseudo-attributes of the XML declaration.
func (r *Reader) xmlDecl(t []byte, off int64) error {
	bad := func(msg string) error { return r.fail(CondNotWellFormed, off, msg) }
	var names []string
	i := 0
	for {
		j := skipSpace(t, i)
		if j == len(t) {
			break
		}
		if j == i {
			return bad("malformed XML declaration")
		}
		k := j
		for k < len(t) && t[k] != '=' && !isSpace(t[k]) {
			k++
		}
		name := string(t[j:k])
		k = skipSpace(t, k)
		if k == len(t) || t[k] != '=' {
			return bad("malformed XML declaration")
		}
		k = skipSpace(t, k+1)
		if k == len(t) || (t[k] != '"' && t[k] != '\'') {
			return bad("malformed XML declaration")
		}
		e := bytes.IndexByte(t[k+1:], t[k])
		if e < 0 {
			return bad("malformed XML declaration")
		}
		val := string(t[k+1 : k+1+e])
		i = k + 2 + e
		names = append(names, name)
		switch name {
		case "version":
			if len(names) != 1 || val != "1.0" {
				return r.fail(CondNotWellFormed, off, "unsupported XML version")
			}
		case "encoding":
			if len(names) != 2 || !strings.EqualFold(val, "UTF-8") {
				return r.fail(CondUnsupportedEncoding, off, "encoding other than UTF-8")
			}
		case "standalone":
			if val != "yes" && val != "no" {
				return bad("malformed standalone declaration")
			}
		default:
			return bad("unknown pseudo-attribute in XML declaration")
		}
	}
	if len(names) == 0 || names[0] != "version" {
		return bad("XML declaration without a version")
	}
	return nil
}

// bang handles "<!": CDATA sections, and comments and DTDs, which
// restricted XML forbids.
func (r *Reader) bang(off int64) error {
	if err := r.need(4); err != nil {
		return err
	}
	if string(r.buf[r.pos+2:r.pos+4]) == "--" {
		return r.fail(CondRestrictedXML, off, "comment")
	}
	if r.buf[r.pos+2] != '[' {
		if r.buf[r.pos+2] == 'D' {
			return r.fail(CondRestrictedXML, off, "document type declaration")
		}
		return r.fail(CondNotWellFormed, off, "malformed markup")
	}
	if err := r.need(9); err != nil {
		return err
	}
	if string(r.buf[r.pos:r.pos+9]) != "<![CDATA[" {
		return r.fail(CondNotWellFormed, off, "malformed markup")
	}
	if r.depth <= r.top {
		return r.fail(CondNotWellFormed, off, "character data outside of a stanza")
	}
	return r.cdata(off)
}
