From: MAILER-DAEMON@example.com
To: sender@example.org
Subject: new one
Message-ID: <new-one@example.com>

Body of new one.
