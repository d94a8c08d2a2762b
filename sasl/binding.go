package sasl

import (
	"crypto/tls"
	"errors"
	"fmt"
	"slices"

	"github.com/xdg-go/scram"
)

// binding is the channel-binding decision for one connection: the binding
// to use with a -PLUS mechanism, or why there is none.
type binding struct {
	cb     scram.ChannelBinding // cb.Type is "" when there is none
	reason string               // why there is none
}

// ok reports whether a channel binding could be computed.
func (b binding) ok() bool { return b.cb.IsSupported() }

// chooseBinding picks the channel binding for the connection described by
// info: of type want, or automatically when want is "".
//
// Automatically, with the XEP-0440 list of the server, the first type the
// server lists and we can compute, in the order tls-exporter (TLS 1.3
// only), tls-server-end-point, tls-unique (TLS 1.2 and earlier). Without
// the list, tls-unique on TLS 1.2 and earlier, which RFC 5802 makes the
// default and which is the only type deployed servers accept (Prosody and
// ejabberd refuse tls-server-end-point and know no tls-exporter); and none
// on TLS 1.3, which has no tls-unique, as binding with a type the server
// cannot check would only fail the login.
func chooseBinding(want string, info ConnInfo) binding {
	cs := info.TLS
	if cs == nil {
		return binding{reason: "no TLS"}
	}
	advertised := info.ChannelBindingTypes != nil
	if want != "" {
		if advertised && !slices.Contains(info.ChannelBindingTypes, want) {
			return binding{reason: want + " not among the server's channel-binding types"}
		}
		return computeOne(want, cs)
	}
	if !advertised {
		if cs.Version >= tls.VersionTLS13 {
			return binding{reason: "TLS 1.3 has no tls-unique and the server advertises no other type (XEP-0440)"}
		}
		return computeOne(TLSUnique, cs)
	}
	var reasons []string
	for _, t := range []string{TLSExporter, TLSServerEndPoint, TLSUnique} {
		if !slices.Contains(info.ChannelBindingTypes, t) {
			continue
		}
		b := computeOne(t, cs)
		if b.ok() {
			return b
		}
		reasons = append(reasons, b.reason)
	}
	if len(reasons) == 0 {
		return binding{reason: fmt.Sprintf("no supported type among the server's channel-binding types %q", info.ChannelBindingTypes)}
	}
	return binding{reason: fmt.Sprint(reasons)}
}

// computeOne computes the channel binding of type typ for cs.
func computeOne(typ string, cs *tls.ConnectionState) binding {
	cb, err := computeBinding(typ, cs)
	if err != nil {
		return binding{reason: typ + ": " + err.Error()}
	}
	if !cb.IsSupported() {
		return binding{reason: typ + ": empty channel-binding data"}
	}
	return binding{cb: cb}
}

// computeBinding returns the channel-binding data of type typ for cs.
func computeBinding(typ string, cs *tls.ConnectionState) (scram.ChannelBinding, error) {
	switch typ {
	case TLSUnique:
		if cs.Version >= tls.VersionTLS13 {
			return scram.ChannelBinding{}, errors.New("not defined for TLS 1.3")
		}
		if len(cs.TLSUnique) == 0 {
			// crypto/tls leaves it nil on a resumed session without the
			// extended master secret, where it would not be unique.
			return scram.ChannelBinding{}, errors.New("not available on this connection")
		}
		return scram.NewTLSUniqueBinding(cs.TLSUnique), nil
	case TLSServerEndPoint:
		// Fails for certificates whose signature has no single hash
		// (Ed25519), for which RFC 5929 defines no binding.
		return scram.NewTLSServerEndpointBinding(cs)
	case TLSExporter:
		if cs.Version < tls.VersionTLS13 {
			return scram.ChannelBinding{}, errors.New("used only with TLS 1.3")
		}
		return exporterBinding(cs)
	}
	return scram.ChannelBinding{}, errors.New("unsupported channel-binding type")
}

// exporterBinding returns the tls-exporter binding of cs. A ConnectionState
// not made by crypto/tls (built by hand) has no exporter and would make
// ExportKeyingMaterial panic; that is reported as an error.
func exporterBinding(cs *tls.ConnectionState) (cb scram.ChannelBinding, err error) {
	defer func() {
		if recover() != nil {
			cb, err = scram.ChannelBinding{}, errors.New("connection state has no keying-material exporter")
		}
	}()
	return scram.NewTLSExporterBinding(cs)
}
