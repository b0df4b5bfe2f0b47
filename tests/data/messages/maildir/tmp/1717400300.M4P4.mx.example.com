From: MAILER-DAEMON@example.com
To: sender@example.org
Subject: still in delivery
Message-ID: <still-in-delivery@example.com>

Body of still in delivery.
