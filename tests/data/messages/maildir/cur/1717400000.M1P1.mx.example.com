From: MAILER-DAEMON@example.com
To: sender@example.org
Subject: cur one
Message-ID: <cur-one@example.com>

Body of cur one.
