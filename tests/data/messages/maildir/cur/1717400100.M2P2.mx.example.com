From: MAILER-DAEMON@example.com
To: sender@example.org
Subject: cur two
Message-ID: <cur-two@example.com>

Body of cur two.
