package forward_test

// Forwarded elements as the servers the integration tests run against
// send them (captured from the carbons and mam integration tests:
// Prosody 0.12 and ejabberd 23.01 on Debian), and the examples of the
// XEPs. Both the table tests and the fuzz targets start from them.

const (
	// XEP-0297 example "Forwarding a message".
	xepForwarded = `<forwarded xmlns='urn:xmpp:forward:0'>
    <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>
    <message from='juliet@capulet.lit/orchard'
             id='0202197'
             to='romeo@montague.lit'
             type='chat'
             xmlns='jabber:client'>
      <body>Yet I should kill thee with much cherishing.</body>
      <mood xmlns='http://jabber.org/protocol/mood'>
        <amorous/>
      </mood>
    </message>
  </forwarded>`
	// XEP-0280 example "Server sends carbon to Romeo's other clients".
	xepCarbon = `<forwarded xmlns='urn:xmpp:forward:0'>
      <message xmlns='jabber:client'
               from='juliet@capulet.example/balcony'
               to='romeo@montague.example/garden'
               type='chat'>
        <body>What man art thou that, thus bescreen'd in night, so stumblest on my counsel?</body>
        <thread>0e3141cd80894871a68e6fe6b1ec56fa</thread>
      </message>
    </forwarded>`
	// XEP-0313 example of a MUC archive result.
	xepMUCResult = `<forwarded xmlns='urn:xmpp:forward:0'>
      <delay xmlns='urn:xmpp:delay' stamp='2002-10-13T23:58:37Z'/>
      <message xmlns="jabber:client" from='coven@chat.shakespeare.lit/firstwitch' id='162BEBB1-F6DB-4D9A-9BD8-CFDCC801A0B2' type='groupchat'>
        <body>Thrice the brinded cat hath mew'd.</body>
        <x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' jid='crone1@shakespeare.lit' role='participant' /></x>
      </message>
    </forwarded>`

	// Prosody: a received carbon, no delay.
	prosodyCarbon = `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' id='rbV_pP1s3ZgR4Vd4' from='bob@localhost/home' type='chat' to='alice@localhost/one' xml:lang='en'><body>hello one</body><stanza-id xmlns='urn:xmpp:sid:0' id='QT4baBqWgdkOpZLbxsnrX9fW' by='alice@localhost'/></message></forwarded>`
	// Prosody: a sent carbon.
	prosodySentCarbon = `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' id='B7Cw4M-uncJ_4tgH' from='alice@localhost/one' type='chat' to='bob@localhost/home' xml:lang='en'><body>hello bob</body><stanza-id xmlns='urn:xmpp:sid:0' id='gDuV_meBxijY33CgBjWQlApe' by='alice@localhost'/></message></forwarded>`
	// Prosody: an archive result, the delay first, stamped to the second.
	prosodyMAM = `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2026-12-05T17:12:54Z'/><message xmlns='jabber:client' from='bob@localhost/home' id='VLpnqmmOy7nIoj9e' type='chat' to='alice@localhost' xml:lang='en'><body>message 01 from bob</body></message></forwarded>`
	// Prosody: a result forged by a contact, delivered as it was sent.
	prosodyForgedMAM = `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-03-01T12:00:00Z'/><message xmlns='jabber:client' type='chat' from='bob@localhost/home' id='SIo03TfMGq3myAmV' to='alice@localhost'><body>I owe you 100 euros</body></message></forwarded>`

	// ejabberd: a received carbon, with its archive ids.
	ejabberdCarbon = `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' xml:lang='en' to='alice@localhost/one' from='bob@localhost/home' type='chat' id='qSbnoDiD2fte7yVW'><archived xmlns='urn:xmpp:mam:tmp' by='alice@localhost' id='1796490679484420'/><stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='1796490679484420'/><body>hello one</body></message></forwarded>`
	// ejabberd: a sent carbon.
	ejabberdSentCarbon = `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' xml:lang='en' to='bob@localhost/home' from='alice@localhost/one' type='chat' id='vAuYCSxeSkSfIIaM'><archived xmlns='urn:xmpp:mam:tmp' by='alice@localhost' id='1796490679520403'/><stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='1796490679520403'/><body>hello bob</body></message></forwarded>`
	// ejabberd: an archive result, the delay last, with a from and
	// microseconds.
	ejabberdMAM = `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' xml:lang='en' to='alice@localhost' from='bob@localhost/home' type='chat' id='fPGS3X5cMAEZe-No'><archived xmlns='urn:xmpp:mam:tmp' by='alice@localhost' id='1796490777051366'/><stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='1796490777051366'/><body>message 01 from bob</body></message><delay xmlns='urn:xmpp:delay' from='localhost' stamp='2026-12-05T17:12:57.051366Z'/></forwarded>`
	// ejabberd: a result forged by a contact.
	ejabberdForgedMAM = `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-03-01T12:00:00Z'/><message xmlns='jabber:client' to='alice@localhost' from='bob@localhost/home' id='WvcwRZR_N_mcQ5u4' type='chat'><body>I owe you 100 euros</body></message></forwarded>`
)

// samples are all of them.
var samples = []string{
	xepForwarded, xepCarbon, xepMUCResult,
	prosodyCarbon, prosodySentCarbon, prosodyMAM, prosodyForgedMAM,
	ejabberdCarbon, ejabberdSentCarbon, ejabberdMAM, ejabberdForgedMAM,
}

// msg is a minimal forwarded message for the error cases.
const msg = `<message xmlns='jabber:client' from='a@b/c' to='d@e'/>`

// malformed are <forwarded/> elements Parse must refuse: every case the
// carbons and mam parsers refused before there was this package.
var malformed = []struct{ name, xml string }{
	{"wrong namespace", `<forwarded xmlns='urn:xmpp:forward:1'>` + msg + `</forwarded>`},
	{"wrong name", `<forward xmlns='urn:xmpp:forward:0'>` + msg + `</forward>`},
	{"no message", `<forwarded xmlns='urn:xmpp:forward:0'/>`},
	{"only a delay", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/></forwarded>`},
	{"message in no namespace", `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='' to='a@b'/></forwarded>`},
	{"message in the forward namespace", `<forwarded xmlns='urn:xmpp:forward:0'><message to='a@b'/></forwarded>`},
	{"two messages", `<forwarded xmlns='urn:xmpp:forward:0'>` + msg + msg + `</forwarded>`},
	{"iq", `<forwarded xmlns='urn:xmpp:forward:0'><iq xmlns='jabber:client' type='get' id='1'/></forwarded>`},
	{"presence", `<forwarded xmlns='urn:xmpp:forward:0'><presence xmlns='jabber:client'/></forwarded>`},
	{"presence beside a message", `<forwarded xmlns='urn:xmpp:forward:0'>` + msg + `<presence xmlns='jabber:client'/></forwarded>`},
	{"jabber:server message", `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:server' from='bob@localhost/home' to='alice@localhost'/></forwarded>`},
	{"jabber:server message beside one", `<forwarded xmlns='urn:xmpp:forward:0'>` + msg + `<message xmlns='jabber:server'/></forwarded>`},
	{"other jabber:client element", `<forwarded xmlns='urn:xmpp:forward:0'>` + msg + `<body xmlns='jabber:client'>x</body></forwarded>`},
	{"bad message address", `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' to='@b'/></forwarded>`},
	{"error message without error", `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' type='error'/></forwarded>`},
	{"two delays", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>` + msg + `</forwarded>`},
	{"delay without stamp", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay'/>` + msg + `</forwarded>`},
	{"delay stamp yesterday", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='yesterday'/>` + msg + `</forwarded>`},
	{"delay without zone", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25'/>` + msg + `</forwarded>`},
	{"delay out of range", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='0000-01-01T00:00:00+01:00'/>` + msg + `</forwarded>`},
	{"delay year 10000 in UTC", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='9999-12-31T23:59:59-01:00'/>` + msg + `</forwarded>`},
	{"delay bad from", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z' from='@'/>` + msg + `</forwarded>`},
	// Refused since the single parsers: carbons and mam read stamps with
	// Go's RFC 3339 parser, and did not look inside the delay.
	{"delay stamp with a comma", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25,5Z'/>` + msg + `</forwarded>`},
	{"delay stamp with a one-digit hour", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T3:08:25Z'/>` + msg + `</forwarded>`},
	{"delay offset beyond 14 hours", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25+23:00'/>` + msg + `</forwarded>`},
	{"delay with a child element", `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'><x/></delay>` + msg + `</forwarded>`},
}
