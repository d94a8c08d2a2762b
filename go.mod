module github.com/xmppkit/xmpp

go 1.26.0

require (
	github.com/coder/websocket v1.8.15
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6
	github.com/xdg-go/scram v1.4.0
	golang.org/x/net v0.62.0
	golang.org/x/text v0.44.0
)

require github.com/xdg-go/stringprep v1.0.4 // indirect
