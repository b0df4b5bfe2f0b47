From: MAILER-DAEMON@example.com
To: sender@example.org
Subject: subfolder
Message-ID: <subfolder@example.com>

Body of subfolder.
