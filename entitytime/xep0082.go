package entitytime

import (
	"fmt"
	"strings"
	"time"

	"github.com/xmppkit/xmpp/internal/datetime"
)

// parseUTC parses the text of <utc/>: an XEP-0082 DateTime, read by
// datetime.ParseDateTime, whose TZD says UTC ("Z", "+00:00" or "-00:00"),
// as XEP-0202 requires. That last rule is entitytime's own: a DateTime
// with another offset is a valid DateTime, but not a <utc/>.
func parseUTC(s string) (time.Time, error) {
	t, err := datetime.ParseDateTime(s)
	if err != nil {
		return time.Time{}, err
	}
	// ParseDateTime accepted s, so it ends with its TZD: 'Z' or ±hh:mm.
	if !strings.HasSuffix(s, "Z") && !strings.HasSuffix(s, "+00:00") && !strings.HasSuffix(s, "-00:00") {
		return time.Time{}, fmt.Errorf("%.64q is not in UTC", s)
	}
	return t, nil
}
