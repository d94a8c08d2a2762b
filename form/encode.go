package form

import "github.com/xmppkit/xmpp/stanza"

// Element encodes f as an <x xmlns='jabber:x:data'/> element: title,
// instructions, fields, then <reported/> (when Reported is not empty) and
// the items. Empty strings are left out (no label attribute, no <desc/>),
// but an empty value is written as <value/>. The element shares nothing
// with f.
//
// Element encodes what it is given: a form that breaks the rules Parse
// enforces (a field without var, two values in a text-single field)
// encodes to an element Parse refuses.
func (f *Form) Element() *stanza.Element {
	x := stanza.NewElement(NS, "x", stanza.A("type", string(f.Type)))
	if f.Title != "" {
		x.AddChild(stanza.NewElement(NS, "title").AddText(f.Title))
	}
	for _, s := range f.Instructions {
		x.AddChild(stanza.NewElement(NS, "instructions").AddText(s))
	}
	for i := range f.Fields {
		x.AddChild(f.Fields[i].element())
	}
	if len(f.Reported) > 0 {
		x.AddChild(fieldList("reported", f.Reported))
	}
	for _, it := range f.Items {
		x.AddChild(fieldList("item", it))
	}
	return x
}

func fieldList(local string, fields []Field) *stanza.Element {
	e := stanza.NewElement(NS, local)
	for i := range fields {
		e.AddChild(fields[i].element())
	}
	return e
}

// element encodes fd as a <field/>.
func (fd *Field) element() *stanza.Element {
	e := stanza.NewElement(NS, "field")
	if fd.Var != "" {
		e.SetAttr("var", fd.Var)
	}
	if fd.Type != "" {
		e.SetAttr("type", string(fd.Type))
	}
	if fd.Label != "" {
		e.SetAttr("label", fd.Label)
	}
	if fd.Desc != "" {
		e.AddChild(stanza.NewElement(NS, "desc").AddText(fd.Desc))
	}
	if fd.Required {
		e.AddChild(stanza.NewElement(NS, "required"))
	}
	if fd.Validation != nil {
		e.AddChild(fd.Validation.element())
	}
	for _, v := range fd.Values {
		e.AddChild(stanza.NewElement(NS, "value").AddText(v))
	}
	for _, o := range fd.Options {
		oe := stanza.NewElement(NS, "option")
		if o.Label != "" {
			oe.SetAttr("label", o.Label)
		}
		e.AddChild(oe.AddChild(stanza.NewElement(NS, "value").AddText(o.Value)))
	}
	for _, x := range fd.Extensions {
		e.AddChild(x.Copy())
	}
	return e
}
