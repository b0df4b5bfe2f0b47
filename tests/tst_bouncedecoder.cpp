// Bounce decoding end to end: DSN fields, DSNs of several MTAs, ARF, auto-replies and non-standard
// bounce texts, each checked field by field against a golden *.expected rendering.
//
// Fixtures (tests/data/bounces/*.txt) describe a parsed message the way the message reader delivers it:
// the top-level header fields, then one "=== part <type> depth=<n>" line per MIME part followed by the
// part's decoded text (for message/rfc822 parts: the enclosed message's header fields).
#include "bounce/bouncedecoder.h"
#include "bounce/dsnfields.h"
#include "bounce/messageparser.h"
#include "kb/knowledgebase.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace smtpscope::core;

namespace {

QList<QPair<QString, QString>> readHeaders(const QStringList &lines, qsizetype &i)
{
    QList<QPair<QString, QString>> headers;
    for (; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (line.isEmpty() || line.startsWith(QLatin1String("=== ")))
            break;
        if ((line.startsWith(u' ') || line.startsWith(u'\t')) && !headers.isEmpty()) {
            headers.last().second += u' ' + line.trimmed();
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon > 0)
            headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    return headers;
}

ParsedMessage messageFrom(const QString &text, const QString &source)
{
    ParsedMessage m;
    m.source = source;
    m.index = 1;
    const QStringList lines = text.split(u'\n');
    qsizetype i = 0;
    m.headers = readHeaders(lines, i);
    while (i < lines.size() && !lines.at(i).startsWith(QLatin1String("=== ")))
        ++i;
    static const QRegularExpression partLine(QStringLiteral(R"(^=== part (\S+)(?: depth=(\d+))?)"));
    while (i < lines.size()) {
        const QRegularExpressionMatch pm = partLine.match(lines.at(i));
        ++i;
        if (!pm.hasMatch())
            continue;
        MimePart p;
        p.contentType = pm.captured(1).toLower();
        p.depth = pm.captured(2).isEmpty() ? 1 : pm.captured(2).toInt();
        p.headers = { { QStringLiteral("Content-Type"), p.contentType } };
        QStringList body;
        for (; i < lines.size() && !lines.at(i).startsWith(QLatin1String("=== ")); ++i)
            body.append(lines.at(i));
        while (!body.isEmpty() && body.last().isEmpty())
            body.removeLast();
        p.text = body.join(u'\n');
        if (m.parts.isEmpty() && p.depth > 0) {
            // The top-level entity (a multipart container) comes first, as the reader lists it.
            MimePart top;
            QString type;
            for (const auto &h : std::as_const(m.headers)) {
                if (h.first.compare(u"Content-Type", Qt::CaseInsensitive) == 0)
                    type = h.second.section(u';', 0, 0).trimmed().toLower();
            }
            top.contentType = type.isEmpty() ? QStringLiteral("multipart/mixed") : type;
            top.headers = { { QStringLiteral("Content-Type"), top.contentType } };
            m.parts.append(top);
        }
        m.parts.append(p);
    }
    return m;
}

QString dateText(const QDateTime &dt)
{
    return dt.isValid() ? dt.toUTC().toString(Qt::ISODate) : QString();
}

QString render(const BounceReport &r)
{
    QStringList out;
    out << QStringLiteral("kind: ") + r.kind << QStringLiteral("note: ") + r.note
        << QStringLiteral("reporting-mta: ") + r.reportingMta
        << QStringLiteral("arrival-date: ") + dateText(r.arrivalDate)
        << QStringLiteral("feedback-type: ") + r.feedbackType
        << QStringLiteral("original-message-id: ") + r.original.messageId
        << QStringLiteral("original-from: ") + r.original.from << QStringLiteral("original-to: ") + r.original.to
        << QStringLiteral("original-subject: ") + r.original.subject
        << QStringLiteral("original-date: ") + r.original.date;
    int n = 0;
    for (const DeliveryResult &d : r.results) {
        const Classification &c = d.classification;
        out << QStringLiteral("result %1:").arg(++n) << QStringLiteral("  recipient: ") + d.recipient
            << QStringLiteral("  original-recipient: ") + d.originalRecipient << QStringLiteral("  action: ") + d.action
            << QStringLiteral("  status: ") + d.status.toString()
            << QStringLiteral("  reply-code: ") + (d.replyCode ? QString::number(d.replyCode) : QString())
            << QStringLiteral("  remote-mta: ") + d.remoteMta << QStringLiteral("  command: ") + d.failedCommand
            << QStringLiteral("  diagnostic-type: ") + d.diagnosticType
            << QStringLiteral("  diagnostic: ") + d.diagnostic
            << QStringLiteral("  last-attempt: ") + dateText(d.lastAttempt)
            << QStringLiteral("  will-retry-until: ") + dateText(d.willRetryUntil)
            << QStringLiteral("  recipient-domain: ") + d.recipientDomain
            << QStringLiteral("  registrable-domain: ") + d.registrableDomain
            << QStringLiteral("  provider: ") + d.provider << QStringLiteral("  reason: ") + c.reason
            << QStringLiteral("  hard: ") + (c.hard ? QStringLiteral("true") : QStringLiteral("false"))
            << QStringLiteral("  do: ") + c.action << QStringLiteral("  retry: ") + c.retry
            << QStringLiteral("  rule: ") + c.evidence.ruleId
            << QStringLiteral("  evidence: ") + evidenceSourceName(c.evidence.source)
            << QStringLiteral("  matched: ") + c.evidence.matchedText;
    }
    return out.join(u'\n') + u'\n';
}

QString readText(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

const BounceDecoder &decoder()
{
    static const BounceDecoder d(KnowledgeBase::builtIn());
    return d;
}

BounceReport decodeText(const QString &fixture)
{
    return decoder().decode(messageFrom(fixture, QStringLiteral("inline")));
}

} // namespace

class TestBounceDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(KnowledgeBase::builtIn()); }

    void dsnFields_data();
    void dsnFields();
    void dsnTolerance();
    void dsnTypedValues();
    void dsnDates();

    void fixtures_data();
    void fixtures();
    void originalWithoutWrapper();
    void rejectionNoticeThroughMime();

    void traps_data();
    void traps();
    void notBounces_data();
    void notBounces();

    void cliClassifyJsonl();
    void cliClassifyExitCodes();
};

void TestBounceDecoder::dsnFields_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reportingMta");
    QTest::addColumn<QStringList>("recipients"); ///< "final|original|action|status|remote|type|diagnostic"

    QTest::addRow("postfix") << QStringLiteral(R"(Reporting-MTA: dns; mail.example.org
X-Postfix-Queue-ID: 98C044C057E
X-Postfix-Sender: rfc822; alice@example.org
Arrival-Date: Sat, 11 Mar 2017 22:48:13 +0100 (CET)

Final-Recipient: rfc822; bob@example.net
Original-Recipient: rfc822;bob@example.net
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Recipient address rejected:
    User unknown in virtual mailbox table
)") << QStringLiteral("mail.example.org")
                             << QStringList { QStringLiteral(
                                    "bob@example.net|bob@example.net|failed|5.1.1|mx.example.net|smtp|550 5.1.1 "
                                    "<bob@example.net>: Recipient address rejected: User unknown in virtual mailbox "
                                    "table") };

    QTest::addRow("no per-message group, lower case, no blank line between recipients")
        << QStringLiteral("final-recipient: RFC822;<a@example.com>\r\naction: FAILED\r\nstatus: 5.2.2 (mailbox "
                          "full)\r\ndiagnostic-code: SMTP; 552 5.2.2 Over quota\r\nfinal-recipient: rfc822 ; "
                          "b@example.com\r\naction: delayed\r\nstatus: 4.4.1\r\n")
        << QString()
        << QStringList { QStringLiteral("a@example.com||failed|5.2.2||smtp|552 5.2.2 Over quota"),
               QStringLiteral("b@example.com||delayed|4.4.1|||") };

    QTest::addRow("original-recipient first, groups run together")
        << QStringLiteral("Reporting-MTA: dns; mx.example\n\nOriginal-Recipient: rfc822;one@example.com\n"
                          "Final-Recipient: rfc822;one@example.com\nAction: failed\nStatus: 5.0.0\n"
                          "Original-Recipient: rfc822;two@example.com\nFinal-Recipient: rfc822;two@example.com\n"
                          "Action: failed\nStatus: 5.0.0\n")
        << QStringLiteral("mx.example")
        << QStringList { QStringLiteral("one@example.com|one@example.com|failed|5.0.0|||"),
               QStringLiteral("two@example.com|two@example.com|failed|5.0.0|||") };

    QTest::addRow("diagnostic wrapped without indentation")
        << QStringLiteral("Final-Recipient: rfc822; c@example.com\nAction: failed\nStatus: 5.7.1\nDiagnostic-Code: "
                          "smtp; 550 5.7.1 Message rejected, see\nhttps://help.example.com/bounce for details\n")
        << QString()
        << QStringList { QStringLiteral(
               "c@example.com||failed|5.7.1||smtp|550 5.7.1 Message rejected, see https://help.example.com/bounce "
               "for details") };

    QTest::addRow("internationalised address")
        << QStringLiteral("Reporting-MTA: dns; mx.example\n\nFinal-Recipient: utf-8; "
                          "j\\x{00F6}rg@example.de\nAction: failed\nStatus: 5.1.1\n")
        << QStringLiteral("mx.example") << QStringList { QStringLiteral("jörg@example.de||failed|5.1.1|||") };
}

void TestBounceDecoder::dsnFields()
{
    QFETCH(QString, text);
    QFETCH(QString, reportingMta);
    QFETCH(QStringList, recipients);
    const DsnFields f = DsnFields::parse(text);
    QCOMPARE(f.message.reportingMta.value, reportingMta);
    QCOMPARE(f.recipients.size(), recipients.size());
    for (qsizetype i = 0; i < recipients.size(); ++i) {
        const DsnRecipientFields &r = f.recipients.at(i);
        const QString got = QStringList { r.finalRecipient.value, r.originalRecipient.value, r.action, r.status,
            r.remoteMta.value, r.diagnosticCode.type, r.diagnosticCode.value }
                                .join(u'|');
        QCOMPARE(got, recipients.at(i));
    }
}

void TestBounceDecoder::dsnTolerance()
{
    const DsnFields f = DsnFields::parse(QStringLiteral(
        "Reporting-MTA: dns; mail.example.org\nX-Postfix-Queue-ID: 98C044C057E\nX-Postfix-Sender: rfc822; "
        "alice@example.org\nArrival-Date: Sat, 11 Mar 2017 22:48:13 +0100 (CET)\nReceived-From-MTA: dns; "
        "client.example.org\n\nFinal-Recipient: rfc822; bob@example.net\nX-Actual-Recipient: rfc822; "
        "bob.smith@example.net\nAction: delayed\nStatus: 4.4.1\nLast-Attempt-Date: Sun, 12 Mar 2017 10:00:00 +0100\n"
        "Will-Retry-Until: Wed, 15 Mar 2017 22:48:13 +0100\nDiagnostic-Code: X-Postfix; connect to\n    "
        "mx.example.net[192.0.2.1]:25: Connection timed out\nFinal-Log-ID: 98C044C057E\n"));
    QCOMPARE(f.message.postfixQueueId, QStringLiteral("98C044C057E"));
    QCOMPARE(f.message.postfixSender.value, QStringLiteral("alice@example.org"));
    QCOMPARE(f.message.arrivalDate, QStringLiteral("Sat, 11 Mar 2017 22:48:13 +0100 (CET)"));
    QCOMPARE(f.message.receivedFromMta.value, QStringLiteral("client.example.org"));
    QCOMPARE(f.message.fields.size(), 5);
    QCOMPARE(f.recipients.size(), 1);
    const DsnRecipientFields &r = f.recipients.first();
    QCOMPARE(r.recipient(), QStringLiteral("bob@example.net"));
    QCOMPARE(r.actualRecipient.value, QStringLiteral("bob.smith@example.net"));
    QCOMPARE(r.lastAttemptDate, QStringLiteral("Sun, 12 Mar 2017 10:00:00 +0100"));
    QCOMPARE(r.willRetryUntil, QStringLiteral("Wed, 15 Mar 2017 22:48:13 +0100"));
    QCOMPARE(r.diagnosticCode.type, QStringLiteral("x-postfix"));
    QCOMPARE(r.diagnosticCode.value, QStringLiteral("connect to mx.example.net[192.0.2.1]:25: Connection timed out"));
    QCOMPARE(r.finalLogId, QStringLiteral("98C044C057E"));
    QCOMPARE(r.field(u"x-actual-recipient"), QStringLiteral("rfc822; bob.smith@example.net"));

    QVERIFY(DsnFields::parse(QString()).isEmpty());
    QVERIFY(DsnFields::parse(QStringLiteral("\n\n\n")).recipients.isEmpty());
}

void TestBounceDecoder::dsnTypedValues()
{
    QCOMPARE(DsnFields::typedValue(u"rfc822;a@b.example", true).value, QStringLiteral("a@b.example"));
    QCOMPARE(DsnFields::typedValue(u"RFC822 ; <a@b.example>", true).type, QStringLiteral("rfc822"));
    QCOMPARE(DsnFields::typedValue(u"rfc822; a@b.example (Kijitora)", true).value, QStringLiteral("a@b.example"));
    QCOMPARE(DsnFields::typedValue(u"a@b.example", true).type, QString());
    QCOMPARE(DsnFields::typedValue(u"smtp; 550 5.1.1 unknown; try later", false).value,
        QStringLiteral("550 5.1.1 unknown; try later"));
    QCOMPARE(DsnFields::typedValue(u"dns; mx.example.net", false).value, QStringLiteral("mx.example.net"));
}

void TestBounceDecoder::dsnDates()
{
    QCOMPARE(DsnFields::parseDate(u"Sat, 11 Mar 2017 22:48:13 +0100 (CET)").toUTC(),
        QDateTime(QDate(2017, 3, 11), QTime(21, 48, 13), Qt::UTC));
    QCOMPARE(DsnFields::parseDate(u"Thu, 29 Apr 2010 23:34:45 JST").toUTC(),
        QDateTime(QDate(2010, 4, 29), QTime(14, 34, 45), Qt::UTC));
    QCOMPARE(DsnFields::parseDate(u"29 Apr 2010 23:34:45 GMT").toUTC(),
        QDateTime(QDate(2010, 4, 29), QTime(23, 34, 45), Qt::UTC));
    QVERIFY(!DsnFields::parseDate(u"yesterday").isValid());
}

void TestBounceDecoder::fixtures_data()
{
    QTest::addColumn<QString>("path");
    const QString dir = QFINDTESTDATA("data/bounces");
    QVERIFY2(!dir.isEmpty(), "tests/data/bounces not found");
    const QStringList files = QDir(dir).entryList({ QStringLiteral("*.txt") }, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 30);
    for (const QString &f : files)
        QTest::newRow(qPrintable(QFileInfo(f).completeBaseName())) << QDir(dir).filePath(f);
}

void TestBounceDecoder::fixtures()
{
    QFETCH(QString, path);
    const QString base = path.left(path.size() - 4);
    const BounceReport report = decoder().decode(messageFrom(readText(path), QFileInfo(path).fileName()));
    const QString actual = render(report);
    const QString expected = readText(base + QStringLiteral(".expected"));
    if (actual != expected) {
        QFile out(base + QStringLiteral(".actual"));
        if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            out.write(actual.toUtf8());
        out.close();
        QProcess diff;
        diff.start(
            QStringLiteral("diff"), { QStringLiteral("-u"), base + QStringLiteral(".expected"), out.fileName() });
        if (diff.waitForFinished(5000))
            qWarning().noquote() << QString::fromUtf8(diff.readAllStandardOutput());
    } else {
        QFile::remove(base + QStringLiteral(".actual"));
    }
    QCOMPARE(actual, expected);
}

void TestBounceDecoder::originalWithoutWrapper()
{
    // The returned message follows the report as a part of its own, its fields read as the part's: it is the
    // original, not more report text (whose words would join the recipient's diagnostic).
    const QByteArray raw = "From: Mail Delivery System <MAILER-DAEMON@mx.example.jp>\n"
                           "To: ann@example.jp\n"
                           "Subject: Returned Mail: User unknown\n"
                           "Content-Type: multipart/mixed; boundary=\"--b1\"\n"
                           "\n"
                           "----b1\n"
                           "Content-Type: text/plain\n"
                           "\n"
                           "---The following addresses had delivery errors---\n"
                           "\n"
                           "bob@example.org [User unknown]\n"
                           "\n"
                           "----b1\n"
                           "Received: from relay.example.jp by mx.example.jp; Mon, 1 Jan 2024 10:00:00 +0900\n"
                           "Message-Id: <orig-1@example.jp>\n"
                           "From: Ann <ann@example.jp>\n"
                           "To: bob@example.org\n"
                           "Subject: Lunch\n"
                           "Content-Type: text/plain; charset=us-ascii\n"
                           "\n"
                           "See you at noon\n"
                           "\n"
                           "----b1--\n";
    for (const bool gmime : { false, true }) {
        const ParsedMessage message = gmime ? MessageParser::parseWithGMime(raw) : MessageParser::parse(raw);
        const BounceReport report = decoder().decode(message);
        QCOMPARE(report.results.size(), 1);
        QCOMPARE(report.results.at(0).recipient, u"bob@example.org"_s);
        QCOMPARE(report.results.at(0).diagnostic, u"[User unknown]"_s);
        QCOMPARE(report.results.at(0).classification.reason, u"userunknown"_s);
        QCOMPARE(report.original.messageId, u"<orig-1@example.jp>"_s);
        QCOMPARE(report.original.subject, u"Lunch"_s);
    }
}

void TestBounceDecoder::rejectionNoticeThroughMime()
{
    // Both MIME readers decode the disposition-notification part (RFC 8098, or RFC 6533's UTF-8 one), which the
    // decoder reads.
    const QByteArray plain = "From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.org>\n"
                             "Subject: Rejected: Hello\n"
                             "Content-Type: multipart/report; report-type=disposition-notification;\n"
                             "\tboundary=\"17-1\"\n"
                             "\n"
                             "--17-1\n"
                             "Content-Type: text/plain; charset=utf-8\n"
                             "Content-Transfer-Encoding: quoted-printable\n"
                             "\n"
                             "Your message to <bob@example.org> was automatically rejected:\n"
                             "Quota exceeded (mailbox for user is full)\n"
                             "\n"
                             "--17-1\n"
                             "Content-Type: message/disposition-notification\n"
                             "\n"
                             "Reporting-UA: mail.example.org; Dovecot Mail Delivery Agent\n"
                             "Final-Recipient: rfc822; bob@example.org\n"
                             "Original-Message-ID: <abc@example.com>\n"
                             "Disposition: automatic-action/MDN-sent-automatically; deleted\n"
                             "\n"
                             "--17-1--\n";
    QByteArray global = plain;
    global.replace("message/disposition-notification", "message/global-disposition-notification");
    QVERIFY(global != plain);
    for (const QByteArray &raw : { plain, global })
        for (const bool gmime : { false, true }) {
            const BounceReport report
                = decoder().decode(gmime ? MessageParser::parseWithGMime(raw) : MessageParser::parse(raw));
            QCOMPARE(report.kind, u"mdn"_s);
            QCOMPARE(report.results.size(), 1);
            QCOMPARE(report.results.at(0).recipient, u"bob@example.org"_s);
            QCOMPARE(report.results.at(0).action, u"failed"_s);
            QCOMPARE(report.results.at(0).diagnostic, u"Quota exceeded (mailbox for user is full)"_s);
            QCOMPARE(report.results.at(0).classification.reason, u"mailboxfull"_s);
            QCOMPARE(report.original.messageId, u"<abc@example.com>"_s);
        }
}

void TestBounceDecoder::traps_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("status");
    QTest::addColumn<int>("replyCode");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("hard");
    QTest::addColumn<QString>("retry");

    const QString dsn = QStringLiteral(
        "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\nContent-Type: "
        "multipart/report; report-type=delivery-status\n=== part text/plain\nThe mail system\n=== part "
        "message/delivery-status\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; "
        "user@example.net\nAction: %1\nStatus: %2\n%3\n");

    QTest::addRow("5.1.1 that says rate limit")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.1.1"),
               QStringLiteral("Diagnostic-Code: smtp; 550 5.1.1 Recipient rate limit exceeded, slow down"))
        << QStringLiteral("5.1.1") << 550 << QStringLiteral("speeding") << false << QStringLiteral("backoff");
    QTest::addRow("4xx that is permanent")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("4.1.1"),
               QStringLiteral("Diagnostic-Code: smtp; 450 4.1.1 <user@example.net>: Recipient address rejected: "
                              "unverified address: host mx.example.net[192.0.2.1] said: 550 5.1.1 User unknown"))
        << QStringLiteral("4.1.1") << 450 << QStringLiteral("userunknown") << true << QStringLiteral("never");
    QTest::addRow("transient failure given up") << dsn.arg(QStringLiteral("failed"), QStringLiteral("4.4.1"),
        QStringLiteral("Diagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.1]:25: Connection "
                       "timed out")) << QStringLiteral("4.4.1")
                                                << 0 << QStringLiteral("expired") << false << QStringLiteral("never");
    QTest::addRow("5xx greylisting") << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.7.1"),
        QStringLiteral("Diagnostic-Code: smtp; 550 5.7.1 Greylisted, please try again in 300 seconds"))
                                     << QStringLiteral("5.7.1") << 550 << QStringLiteral("systemerror") << false
                                     << QStringLiteral("backoff");
    QTest::addRow("no status code at all")
        << QStringLiteral("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nSubject: Mail delivery "
                          "failed\n=== part text/plain depth=0\nThe following address failed:\n\n  "
                          "user@example.net\n    mailbox is full\n")
        << QStringLiteral("5.0.0") << 0 << QStringLiteral("mailboxfull") << false << QStringLiteral("slow");
    QTest::addRow("user unknown under a policy code")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.7.1"),
               QStringLiteral("Diagnostic-Code: smtp; 550 5.7.1 550 User Unknown: user@example.net"))
        << QStringLiteral("5.7.1") << 550 << QStringLiteral("filtered") << false << QStringLiteral("never");
    QTest::addRow("user unknown under a policy code, at RCPT")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.7.1"),
               QStringLiteral("Diagnostic-Code: smtp; 550 5.7.1 User unknown (in reply to RCPT TO command)"))
        << QStringLiteral("5.7.1") << 550 << QStringLiteral("userunknown") << true << QStringLiteral("never");
    QTest::addRow("status generic, diagnostic sharper")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 552 5.2.2 Mailbox over quota"))
        << QStringLiteral("5.2.2") << 552 << QStringLiteral("mailboxfull") << false << QStringLiteral("slow");
    QTest::addRow("user unknown only after DATA")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 550 Unknown user user@example.net (in reply to end of DATA "
                              "command)"))
        << QStringLiteral("5.0.0") << 550 << QStringLiteral("filtered") << false << QStringLiteral("never");
    QTest::addRow("user unknown without an address: a filter")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 550 : User unknown"))
        << QStringLiteral("5.0.0") << 550 << QStringLiteral("filtered") << false << QStringLiteral("never");
    QTest::addRow("expiry quoting the last reply")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("4.4.7"),
               QStringLiteral("Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 840 "
                              "minutes.<421 4.4.2 Connection timed out>"))
        << QStringLiteral("4.4.2") << 421 << QStringLiteral("expired") << false << QStringLiteral("never");
    QTest::addRow("delayed, destination not answering") << dsn.arg(QStringLiteral("delayed"), QStringLiteral("4.4.1"),
        QStringLiteral("Diagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.1]:25: Connection refused"))
                                                        << QStringLiteral("4.4.1") << 0 << QStringLiteral("expired")
                                                        << false << QStringLiteral("backoff");
    QTest::addRow("delay warning, still retrying")
        << dsn.arg(QStringLiteral("delayed"), QStringLiteral("4.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 421 Warning: message still undelivered after 4 hours"))
        << QStringLiteral("4.0.0") << 421 << QStringLiteral("expired") << false << QStringLiteral("backoff");
    QTest::addRow("header error under a policy status")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.7.1"),
               QStringLiteral("Diagnostic-Code: smtp; 554 5.7.1 Header error"))
        << QStringLiteral("5.7.1") << 554 << QStringLiteral("policyviolation") << false << QStringLiteral("never");
    QTest::addRow("X.2.3 administrative length limit")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.2.3"),
               QStringLiteral("Diagnostic-Code: smtp; 552 5.2.3 Message length exceeds administrative limit"))
        << QStringLiteral("5.2.3") << 552 << QStringLiteral("exceedlimit") << false << QStringLiteral("never");
    QTest::addRow("a domain that does not exist")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 553 nowhere.example.net does not exist"))
        << QStringLiteral("5.0.0") << 553 << QStringLiteral("hostunknown") << true << QStringLiteral("never");
    QTest::addRow("unverifiable sending IPs")
        << dsn.arg(QStringLiteral("delayed"), QStringLiteral("4.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 450 service permits 2 unverifyable sending IPs - "
                              "mx.example.org is not 192.0.2.1"))
        << QStringLiteral("4.0.0") << 450 << QStringLiteral("requireptr") << false << QStringLiteral("backoff");
    QTest::addRow("a bare code refusing MAIL FROM")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.7.1"),
               QStringLiteral("Diagnostic-Code: smtp; 550 5.7.1 Access denied (in reply to MAIL FROM command)"))
        << QStringLiteral("5.7.1") << 550 << QStringLiteral("rejected") << false << QStringLiteral("never");
    QTest::addRow("whole message refused by the destination")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.4.1"),
               QStringLiteral("Diagnostic-Code: smtp; 541 5.4.1 Mail rejected by destination domain"))
        << QStringLiteral("5.4.1") << 541 << QStringLiteral("rejected") << false << QStringLiteral("never");
    QTest::addRow("address followed by Rejected")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 550 user@example.net Rejected"))
        << QStringLiteral("5.0.0") << 550 << QStringLiteral("userunknown") << true << QStringLiteral("never");
    QTest::addRow("local delivery program, generic words")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("4.3.0"),
               QStringLiteral("Diagnostic-Code: x-unix; temporary failure"))
        << QStringLiteral("4.3.0") << 0 << QStringLiteral("mailererror") << false << QStringLiteral("slow");
    QTest::addRow("qmail: HELO name rejected")
        << QStringLiteral(
               "From: MAILER-DAEMON@mx.example.org\nSubject: failure notice\n=== part text/plain depth=0\nHi. "
               "This is the qmail-send program at mx.example.org.\nI'm afraid I wasn't able to deliver your "
               "message to the following addresses.\nThis is a permanent error; I've given up. Sorry it "
               "didn't work out.\n\n<user@example.net>:\nConnected to 192.0.2.1 but my name was "
               "rejected.\nRemote host said: 501 5.0.0 Invalid domain name\n")
        << QStringLiteral("5.0.0") << 501 << QStringLiteral("blocked") << false << QStringLiteral("never");
    QTest::addRow("receiver could not load its data")
        << dsn.arg(QStringLiteral("delayed"), QStringLiteral("4.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 451 Could not load routing data for domain (example.net)"))
        << QStringLiteral("4.0.0") << 451 << QStringLiteral("systemerror") << false << QStringLiteral("backoff");
    QTest::addRow("a reason no rule explains")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.0.0"),
               QStringLiteral("Diagnostic-Code: X-Notes; Error (as a test message)"))
        << QStringLiteral("5.0.0") << 0 << QStringLiteral("onhold") << false << QStringLiteral("never");
    QTest::addRow("only the report's boilerplate")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.0.0"),
               QStringLiteral("Diagnostic-Code: X-Notes; Delivery to the following recipients failed permanently:"))
        << QStringLiteral("5.0.0") << 0 << QStringLiteral("undefined") << false << QStringLiteral("never");
    QTest::addRow("aborted after hours, stated above the list")
        << QStringLiteral("From: Mail Delivery System <Mail.Delivery.System@mx.example.org>\nSubject: Delivery status "
                          "notification\n=== part text/plain depth=0\nDelivery to the following recipients was aborted "
                          "after 5.0 hour(s):\n\n  * user@example.net\n\nTechnical details:\n\nRouting: Could not "
                          "find a gateway for user@example.net\n")
        << QStringLiteral("5.0.0") << 0 << QStringLiteral("expired") << false << QStringLiteral("never");
    QTest::addRow("a domain without MX") << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.4.4"),
        QStringLiteral("Diagnostic-Code: X-Postfix; No MX found for domain example.net"))
                                         << QStringLiteral("5.4.4") << 0 << QStringLiteral("notaccept") << true
                                         << QStringLiteral("never");
    QTest::addRow("greeting quoted before the refusal")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("4.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 220-mx.example.net 421 4.2.1 Service refused, please try later"))
        << QStringLiteral("4.2.1") << 421 << QStringLiteral("systemerror") << false << QStringLiteral("backoff");
    QTest::addRow("expired, with the DNS failure that caused it")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.4.312"),
               QStringLiteral("Diagnostic-Code: smtp; 550 5.4.312 Message expired, DNS query failed"))
        << QStringLiteral("5.4.312") << 550 << QStringLiteral("networkerror") << false << QStringLiteral("backoff");
    QTest::addRow("'the following mail' names no SMTP command")
        << QStringLiteral("From: MAILER-DAEMON@gw.example.org\nSubject: Undeliverable mail\n=== part text/plain "
                          "depth=0\nThe following mail could not be delivered.\n\n<user@example.net>:\n550 5.1.1 "
                          "User unknown\n")
        << QStringLiteral("5.1.1") << 550 << QStringLiteral("userunknown") << true << QStringLiteral("never");
    QTest::addRow("DSN field left in ISO-2022-JP, text part decoded")
        << QStringLiteral(
               "From: MAILER-DAEMON@mx.example.org\nSubject: DELIVERY FAILURE\nContent-Type: multipart/report; "
               "report-type=delivery-status\n=== part text/plain depth=1\nYour message\n\nwas not delivered "
               "to:\n\n  user@example.net\n\nbecause:\n\n  ユーザー User (user@example.net) は Domino "
               "ディレクトリには見つかりません。\n=== part message/delivery-status depth=1\nReporting-MTA: "
               "dns;mx.example.org\n\nFinal-Recipient: rfc822;user@example.net\nAction: failed\nStatus: "
               "5.0.0\nDiagnostic-Code: X-Notes; \x1b$B%f!<%6!<\x1b(B User (user@example.net)\n")
        << QStringLiteral("5.0.0") << 0 << QStringLiteral("userunknown") << true << QStringLiteral("never");
    QTest::addRow("mailbox full, in German")
        << dsn.arg(QStringLiteral("failed"), QStringLiteral("5.0.0"),
               QStringLiteral("Diagnostic-Code: smtp; 550 Das Postfach ist voll"))
        << QStringLiteral("5.0.0") << 550 << QStringLiteral("mailboxfull") << false << QStringLiteral("slow");
    QTest::addRow("unknown domain, in French") << dsn.arg(
        QStringLiteral("failed"), QStringLiteral("5.0.0"), QStringLiteral("Diagnostic-Code: smtp; 550 Domaine inconnu"))
                                               << QStringLiteral("5.0.0") << 550 << QStringLiteral("hostunknown")
                                               << true << QStringLiteral("never");
}

void TestBounceDecoder::traps()
{
    QFETCH(QString, message);
    QFETCH(QString, status);
    QFETCH(int, replyCode);
    QFETCH(QString, reason);
    QFETCH(bool, hard);
    QFETCH(QString, retry);
    const BounceReport r = decodeText(message);
    QCOMPARE(r.results.size(), 1);
    const DeliveryResult &d = r.results.first();
    QCOMPARE(d.recipient, QStringLiteral("user@example.net"));
    QCOMPARE(d.status.toString(), status);
    QCOMPARE(d.replyCode, replyCode);
    QCOMPARE(d.classification.reason, reason);
    QCOMPARE(d.classification.hard, hard);
    QCOMPARE(d.classification.retry, retry);
    QVERIFY(!d.classification.evidence.ruleId.isEmpty());
}

void TestBounceDecoder::notBounces_data()
{
    QTest::addColumn<QString>("message");
    QTest::addRow("plain message") << QStringLiteral(
        "From: Alice <alice@example.com>\nTo: bob@example.net\nSubject: Lunch\n=== part text/plain depth=0\nHi "
        "Bob,\n\nthe message to carol@example.org could not be delivered, can you forward it?\n\nAlice\n");
    QTest::addRow("forwarded message") << QStringLiteral(
        "From: Alice <alice@example.com>\nSubject: Fwd: invoice\nContent-Type: multipart/mixed\n=== part "
        "text/plain\nSee below.\n=== part message/rfc822\nFrom: billing@example.org\nTo: "
        "alice@example.com\nSubject: invoice\n=== part text/plain depth=2\n550 5.1.1 <x@example.org>: user "
        "unknown\n");
    QTest::addRow("mail system notice without a recipient") << QStringLiteral(
        "From: postmaster@example.de\nSubject: email bounce notification\nAuto-Submitted: auto-replied\n=== part "
        "text/plain depth=0\nThis message is to inform you that an email you sent was rejected.\n\nreject reason: "
        "Mailbox full\ntarget mail address: someone@example.net\n");
    // RFC 8098 read receipts: the message was delivered, whatever became of it then.
    const auto receipt = [](const char *subject, const char *text, const char *disposition) {
        return QStringLiteral("From: Bob <bob@example.org>\nSubject: %1\nContent-Type: multipart/report; "
                              "report-type=disposition-notification\n=== part text/plain depth=1\n%2\n=== part "
                              "message/disposition-notification depth=1\nFinal-Recipient: rfc822; bob@example.org\n"
                              "Disposition: %3\n")
            .arg(QLatin1StringView(subject), QString::fromUtf8(text), QLatin1StringView(disposition));
    };
    QTest::addRow("read receipt") << receipt(
        "Read: Hello", "Your message to bob@example.org was displayed.", "manual-action/MDN-sent-manually; displayed");
    QTest::addRow("deleted unread by its recipient") << receipt(
        "Not read: Hello", "Your message was deleted without being read.", "manual-action/MDN-sent-manually; deleted");
    QTest::addRow("empty") << QString();
}

void TestBounceDecoder::notBounces()
{
    QFETCH(QString, message);
    const BounceReport r = decodeText(message);
    for (const DeliveryResult &d : r.results)
        QVERIFY2(d.action != u"failed", qPrintable(d.recipient));
    QVERIFY(r.results.isEmpty());
    QVERIFY(!r.note.isEmpty());
}

namespace {

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliRun runCli(const QStringList &arguments)
{
    CliRun run;
#ifdef SMTPSCOPE_CLI
    QProcess p;
    p.start(QStringLiteral(SMTPSCOPE_CLI), arguments);
    if (p.waitForFinished(60000)) {
        run.exitCode = p.exitCode();
        run.out = p.readAllStandardOutput();
        run.err = p.readAllStandardError();
    }
#else
    Q_UNUSED(arguments);
#endif
    return run;
}

} // namespace

void TestBounceDecoder::cliClassifyJsonl()
{
#ifndef SMTPSCOPE_CLI
    QSKIP("smtpscope-cli is not built");
#endif
    const QString dir = QFINDTESTDATA("data/bounces/eml");
    QVERIFY(!dir.isEmpty());
    const CliRun run = runCli({ QStringLiteral("classify"), QStringLiteral("--format"), QStringLiteral("jsonl"), dir });
    QCOMPARE(run.exitCode, 0);
    QHash<QString, QList<QJsonObject>> byFile;
    for (const QByteArray &line : run.out.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), line.constData());
        const QJsonObject o = doc.object();
        QVERIFY(o.value(QLatin1String("source")).toString().startsWith(dir));
        QCOMPARE(o.value(QLatin1String("message")).toInt(), 1);
        byFile[QFileInfo(o.value(QLatin1String("source")).toString()).fileName()].append(o);
    }
    const QStringList required = { QStringLiteral("recipient"), QStringLiteral("action"), QStringLiteral("status"),
        QStringLiteral("reply_code"), QStringLiteral("reason"), QStringLiteral("hard"), QStringLiteral("retry"),
        QStringLiteral("remote_mta"), QStringLiteral("diagnostic"), QStringLiteral("rule") };
    auto check = [&](const QJsonObject &o, const char *recipient, const char *status, const char *code,
                     const char *reason, bool hard, const char *retry) {
        for (const QString &key : required)
            QVERIFY2(o.contains(key), qPrintable(key));
        QCOMPARE(o.value(QLatin1String("recipient")).toString(), QString::fromLatin1(recipient));
        QCOMPARE(o.value(QLatin1String("status")).toString(), QString::fromLatin1(status));
        QCOMPARE(o.value(QLatin1String("reply_code")).toString(), QString::fromLatin1(code));
        QCOMPARE(o.value(QLatin1String("reason")).toString(), QString::fromLatin1(reason));
        QCOMPARE(o.value(QLatin1String("hard")).toBool(), hard);
        QCOMPARE(o.value(QLatin1String("retry")).toString(), QString::fromLatin1(retry));
    };
    QCOMPARE(byFile.value(QStringLiteral("postfix-dsn.eml")).size(), 1);
    check(byFile.value(QStringLiteral("postfix-dsn.eml")).first(), "bob@example.net", "5.1.1", "550", "userunknown",
        true, "never");
    QCOMPARE(byFile.value(QStringLiteral("postfix-dsn.eml")).first().value(QLatin1String("remote_mta")).toString(),
        QStringLiteral("mx1.example.net"));
    const QList<QJsonObject> qmail = byFile.value(QStringLiteral("qmail.eml"));
    QCOMPARE(qmail.size(), 2);
    check(qmail.at(0), "ken@example.ne.jp", "5.2.2", "552", "mailboxfull", false, "slow");
    check(qmail.at(1), "lou@example.ne.jp", "5.1.1", "", "userunknown", true, "never");
    const QList<QJsonObject> autoReply = byFile.value(QStringLiteral("auto-reply.eml"));
    QCOMPARE(autoReply.size(), 1);
    QCOMPARE(autoReply.first().value(QLatin1String("reason")).toString(), QStringLiteral("vacation"));
    QVERIFY(autoReply.first().value(QLatin1String("action")).toString() != QLatin1String("failed"));
    const QList<QJsonObject> notBounce = byFile.value(QStringLiteral("not-a-bounce.eml"));
    QCOMPARE(notBounce.size(), 1);
    QVERIFY(!notBounce.first().contains(QLatin1String("recipient")));
    QCOMPARE(notBounce.first().value(QLatin1String("note")).toString(), QStringLiteral("not a bounce"));
}

void TestBounceDecoder::cliClassifyExitCodes()
{
#ifndef SMTPSCOPE_CLI
    QSKIP("smtpscope-cli is not built");
#endif
    QCOMPARE(runCli({ QStringLiteral("classify") }).exitCode, 2);
    QCOMPARE(runCli({ QStringLiteral("classify"), QStringLiteral("--format"), QStringLiteral("xml"),
                        QStringLiteral("x.eml") })
                 .exitCode,
        2);
    const QString file = QFINDTESTDATA("data/bounces/eml/qmail.eml");
    const CliRun missing = runCli({ QStringLiteral("classify"), QStringLiteral("--format"), QStringLiteral("jsonl"),
        QStringLiteral("--stats"), file, QStringLiteral("/nonexistent/smtpscope-test.eml") });
    QCOMPARE(missing.exitCode, 1);
    QCOMPARE(missing.out.count('\n'), 3); // two recipients, then the unreadable file's note
    QVERIFY(missing.out.contains("cannot read"));
    QVERIFY(missing.err.contains("messages/s"));
    const CliRun table = runCli({ QStringLiteral("classify"), file });
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.out.contains("ken@example.ne.jp"));
    QVERIFY(table.out.contains("mailboxfull"));
}

QTEST_GUILESS_MAIN(TestBounceDecoder)
#include "tst_bouncedecoder.moc"
