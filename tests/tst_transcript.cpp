// SMTP transcripts: wrappers, dialect detection, every dialect's parser, the conversation builder,
// protocol findings and the JSON form, against golden files; bad input must never crash.
#include "reply/replydecoder.h"
#include "transcript/parsers/parserutil.h"
#include "transcript/transcriptjson.h"
#include "transcript/transcriptreader.h"
#include "transcript/wrapperstripper.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace smtpscope::core;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList findingIds(const Transcript &t)
{
    QStringList ids;
    for (const Session &s : t.sessions)
        for (const Finding &f : s.findings)
            ids.append(f.id);
    return ids;
}

// A small line diff (longest common subsequence) for golden mismatches.
QString lineDiff(const QString &expected, const QString &actual)
{
    const QStringList a = expected.split(QLatin1Char('\n'));
    const QStringList b = actual.split(QLatin1Char('\n'));
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    QList<QList<int>> lcs(n + 1, QList<int>(m + 1, 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = a.at(i) == b.at(j) ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    QString out;
    qsizetype i = 0;
    qsizetype j = 0;
    int shown = 0;
    while ((i < n || j < m) && shown < 60) {
        if (i < n && j < m && a.at(i) == b.at(j)) {
            ++i;
            ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            out += QStringLiteral("+%1: %2\n").arg(j + 1).arg(b.at(j));
            ++j;
            ++shown;
        } else {
            out += QStringLiteral("-%1: %2\n").arg(i + 1).arg(a.at(i));
            ++i;
            ++shown;
        }
    }
    return out;
}

} // namespace

class TestTranscript : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void golden_data();
    void golden();
    void wrappers_data();
    void wrappers();
    void lineEndings_data();
    void lineEndings();
    void viewStripMatchesStrip_data();
    void viewStripMatchesStrip();
    void viewStripOnEveryFile();
    void detection_data();
    void detection();
    void findings_data();
    void findings();
    void pipelinedRepliesPairInOrder();
    void exchangeRowsFollowSequenceNumbers();
    void harakaWrappedLinesAreRejoined();
    void capabilities();
    void credentialsAreRedacted();
    void badInput_data();
    void badInput();
    void badInputIsExplained();
    void chunkedReadingMatchesWholeReading_data();
    void chunkedReadingMatchesWholeReading();
    void streamedSessionsMatchWholeReading();
    void mutatedFixturesDoNotCrash();
    void metaTypes();
    void reusedLineIsResetWhole();
    void streamedLinesKeepTheirText();
    void literalTestsAnswerAsQt();
    void cli_data();
    void cli();
    void cliJsonMatchesGolden();
    void classifiedOutcomes();
    void corpus();

private:
    Transcript readFixture(const QString &name) const;

    QString m_dataDir;
    std::optional<ReplyDecoder> m_decoder;
};

void TestTranscript::initTestCase()
{
    registerTranscriptMetaTypes();
    m_dataDir = QFINDTESTDATA("data/transcripts");
    QVERIFY2(!m_dataDir.isEmpty(), "tests/data/transcripts not found");
    const auto kb = KnowledgeBase::builtIn();
    QVERIFY(kb);
    m_decoder.emplace(kb);
}

Transcript TestTranscript::readFixture(const QString &name) const
{
    return TranscriptReader::read(readAll(m_dataDir + QLatin1Char('/') + name), name);
}

void TestTranscript::golden_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<int>("unplaced"); // lines no dialect rule explains (prose in a paste)
    QTest::addRow("raw telnet, 250 in the body") << u"raw-telnet.txt"_qs << u"raw"_qs << 0;
    QTest::addRow("raw openssl -starttls") << u"raw-openssl.txt"_qs << u"raw"_qs << 0;
    QTest::addRow("swaks STARTTLS 550") << u"swaks-starttls.txt"_qs << u"swaks"_qs << 0;
    QTest::addRow("swaks implicit TLS pipeline") << u"swaks-pipeline-implicit.txt"_qs << u"swaks"_qs << 0;
    QTest::addRow("phpmailer echo") << u"phpmailer-echo.txt"_qs << u"phpmailer"_qs << 0;
    QTest::addRow("phpmailer html flattened") << u"phpmailer-html.txt"_qs << u"phpmailer"_qs << 0;
    QTest::addRow("smtplib level 2") << u"smtplib-level2.txt"_qs << u"smtplib"_qs << 0;
    QTest::addRow("postfix log docker quoted") << u"postfix-log-docker-quoted.txt"_qs << u"postfix-log"_qs << 0;
    QTest::addRow("postfix debug pipelined 421") << u"postfix-debug.txt"_qs << u"postfix-debug"_qs << 0;
    QTest::addRow("mailkit auth failure") << u"mailkit.txt"_qs << u"mailkit"_qs << 0;
    QTest::addRow("nodemailer dropped line") << u"nodemailer-dropped-line.txt"_qs << u"nodemailer"_qs << 0;
    QTest::addRow("curl SIZE exceeded") << u"curl-size.txt"_qs << u"curl"_qs << 0;
    QTest::addRow("javamail exception dump") << u"javamail-exception.txt"_qs << u"javamail"_qs << 0;
    QTest::addRow("exchange receive log") << u"exchange-receive.txt"_qs << u"exchange"_qs << 0;
    QTest::addRow("exim -v pipelined BDAT") << u"exim-verbose.txt"_qs << u"exim-debug"_qs << 0;
    QTest::addRow("exim mainlog") << u"exim-mainlog.txt"_qs << u"exim-log"_qs << 0;
    QTest::addRow("sendmail -v") << u"sendmail-verbose.txt"_qs << u"sendmail-verbose"_qs << 0;
    QTest::addRow("sendmail maillog") << u"sendmail-log.txt"_qs << u"sendmail-log"_qs << 0;
    QTest::addRow("msmtp pipelined, DATA refused") << u"msmtp.txt"_qs << u"msmtp"_qs << 0;
    QTest::addRow("go-mail codes stripped") << u"gomail.txt"_qs << u"gomail"_qs << 0;
    QTest::addRow("haraka in syslog") << u"haraka-syslog.txt"_qs << u"haraka"_qs << 0;
    QTest::addRow("haraka wrapped by a terminal") << u"haraka-terminal-wrapped.txt"_qs << u"haraka"_qs << 0;
    QTest::addRow("exchange rows out of order") << u"exchange-out-of-order.txt"_qs << u"exchange"_qs << 0;
    QTest::addRow("phpmailer and the server's postfix log")
        << u"mixed-phpmailer-postfix.txt"_qs << u"phpmailer"_qs << 1;
}

void TestTranscript::golden()
{
    QFETCH(QString, file);
    QFETCH(QString, dialect);
    QFETCH(int, unplaced);
    const Transcript t = readFixture(file);
    QVERIFY2(t.error.isEmpty(), qPrintable(t.error));
    QCOMPARE(t.dialect, dialect);
    QCOMPARE(
        TranscriptReader::detect(WrapperStripper::strip(readAll(m_dataDir + QLatin1Char('/') + file)).lines), dialect);
    QString lines;
    for (const UnplacedLine &u : t.unplaced)
        lines += QStringLiteral("%1: %2\n").arg(u.line).arg(u.text);
    QVERIFY2(t.unplaced.size() == unplaced, qPrintable(u"unplaced lines:\n"_qs + lines));

    // Without a decoder: the goldens pin what the transcript code decides, not the knowledge base's
    // reasons (classifiedOutcomes checks that those are filled in).
    const QByteArray actual = transcriptToJsonText(t, nullptr, true) + '\n';
    // Written session by session, the text is the JSON tree's, compact or indented.
    QCOMPARE(actual, orderedJson(transcriptToJson(t, nullptr), true) + '\n');
    QCOMPARE(transcriptToJsonText(t, &*m_decoder), orderedJson(transcriptToJson(t, &*m_decoder)));
    const QString base = m_dataDir + QLatin1Char('/') + QFileInfo(file).completeBaseName();
    const QString expectedPath = base + u".expected"_qs;
    const QString actualPath = base + u".actual"_qs;
    if (qEnvironmentVariableIsSet("SMTPSCOPE_UPDATE_GOLDEN")) {
        QFile out(expectedPath);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(actual);
    }
    const QByteArray expected = readAll(expectedPath);
    if (expected != actual) {
        QFile out(actualPath);
        if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            out.write(actual);
        qWarning().noquote() << "golden mismatch for" << file << "- wrote" << actualPath << "\n"
                             << lineDiff(QString::fromUtf8(expected), QString::fromUtf8(actual));
        QFAIL("output differs from the golden file (set SMTPSCOPE_UPDATE_GOLDEN=1 to accept a reviewed change)");
    }
    QFile::remove(actualPath);
}

void TestTranscript::wrappers_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("line"); // 1-based line to check
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("timestamp");
    QTest::addRow("syslog") << u"Mar  2 11:02:10 relay postfix/smtp[951]: 1F2E3D4C5B: removed"_qs << 1
                            << u"postfix/smtp[951]: 1F2E3D4C5B: removed"_qs << u"Mar  2 11:02:10"_qs;
    QTest::addRow("rfc 3339") << u"2026-11-23T08:57:38.572111+00:00 vm sendmail[24639]: x: to=a@b.example, stat=Sent"_qs
                              << 1 << u"sendmail[24639]: x: to=a@b.example, stat=Sent"_qs
                              << u"2026-11-23T08:57:38.572111+00:00"_qs;
    QTest::addRow("journald short-precise")
        << u"Mar 02 11:02:10.123456 relay postfix/qmgr[900]: 1F2E3D4C5B: removed"_qs << 1
        << u"postfix/qmgr[900]: 1F2E3D4C5B: removed"_qs << u"Mar 02 11:02:10.123456"_qs;
    QTest::addRow("docker-compose + syslog")
        << u"mail_1   | Apr 14 10:00:00 mx postfix/smtp[7]: a\nmail_1   | Apr 14 10:00:01 mx postfix/smtp[7]: b"_qs << 2
        << u"postfix/smtp[7]: b"_qs << u"Apr 14 10:00:01"_qs;
    QTest::addRow("markdown quote and fence")
        << u"> ```\n> 220 mx.example ESMTP\n> EHLO a.example\n> ```"_qs << 2 << u"220 mx.example ESMTP"_qs << QString();
    QTest::addRow("backtick per line") << u"`220 mx.example ESMTP`\n`EHLO a.example`"_qs << 2 << u"EHLO a.example"_qs
                                       << QString();
    QTest::addRow("html entities and br")
        << u"2026-03-02 10:20:44 CLIENT -&gt; SERVER: MAIL FROM:&lt;a@b.example&gt;<br>\n2026-03-02 10:20:44 SERVER -&gt; CLIENT: 250 OK<br />"_qs
        << 1 << u"2026-03-02 10:20:44 CLIENT -> SERVER: MAIL FROM:<a@b.example>"_qs << QString();
    QTest::addRow("tabs") << u"2026-03-02 10:15:01\tCLIENT -> SERVER: QUIT"_qs << 1
                          << u"2026-03-02 10:15:01 CLIENT -> SERVER: QUIT"_qs << QString();
    QTest::addRow("swaks leading space kept")
        << u" -> EHLO a.example\n<-  250 ok"_qs << 1 << u" -> EHLO a.example"_qs << QString();
    QTest::addRow("no syslog for exim's own stamp")
        << u"2026-11-23 08:53:52 1xVPo8-0005m4-1m Completed"_qs << 1
        << u"2026-11-23 08:53:52 1xVPo8-0005m4-1m Completed"_qs << QString();
}

void TestTranscript::wrappers()
{
    QFETCH(QString, input);
    QFETCH(int, line);
    QFETCH(QString, text);
    QFETCH(QString, timestamp);
    const StrippedText stripped = WrapperStripper::strip(input.toUtf8());
    QVERIFY(stripped.error.isEmpty());
    QVERIFY(line <= stripped.lines.size());
    const SourceLine &l = stripped.lines.at(line - 1);
    QCOMPARE(l.number, line);
    QCOMPARE(l.text, text);
    QCOMPARE(l.timestamp, timestamp);
}

// The lines of stripToViews() are those of strip(), field by field.
static void compareViewLines(const QString &text, const QList<SourceLineView> &views)
{
    const QList<SourceLine> lines = WrapperStripper::strip(text).lines;
    QCOMPARE(views.size(), lines.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const SourceLine &l = lines.at(i);
        const SourceLineView &v = views.at(i);
        QCOMPARE(v.number, l.number);
        QCOMPARE(v.text.toString(), l.text);
        QCOMPARE(v.timestamp.toString(), l.timestamp);
        QCOMPARE(v.host.toString(), l.host);
        QCOMPARE(v.wrapperOnly, l.wrapperOnly);
    }
}

void TestTranscript::viewStripMatchesStrip_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("views"); // stripToViews() takes it (else strip() must)
    QTest::addRow("syslog") << u"Mar  2 11:02:10 relay postfix/smtp[951]: 1F2E3D4C5B: removed\n\nMar  2 11:02:11 relay "
                               "postfix/qmgr[9]: 1F2E3D4C5B: removed\n"_qs
                            << true;
    QTest::addRow("rfc 3339 and journald")
        << u"2026-11-23T08:57:38.572111+00:00 vm sendmail[24639]: x: stat=Sent\r\nMar 02 11:02:10.123456 relay "
           "postfix/qmgr[900]: 1F2E3D4C5B: removed\r\n"_qs
        << true;
    QTest::addRow("swaks") << u"=== Trying 127.0.0.1:25...\n<-  220 mx ESMTP\n -> EHLO a.example\n<-  250 ok\n"_qs
                           << true;
    QTest::addRow("fenced") << u"```\n220 mx.example ESMTP\nEHLO a.example\n```\n"_qs << true;
    QTest::addRow("CR only, overwrites") << u"220 mx ESMTP\rEHLO a\r\r250 mx\r"_qs << true;
    QTest::addRow("pty overwrite") << u"Connecting... 10%\rConnected\r\n220 mx\r\n"_qs << true;
    QTest::addRow("markdown quote") << u"> 220 mx.example ESMTP\n> EHLO a.example\n"_qs << false;
    QTest::addRow("quote inside fence") << u"```\n> 220 mx.example ESMTP\n> EHLO a.example\n```"_qs << false;
    QTest::addRow("backtick per line") << u"`220 mx.example ESMTP`\n`EHLO a.example`"_qs << false;
    QTest::addRow("backtick pair") << u"`220 mx.example ESMTP\nEHLO a.example`"_qs << false;
    QTest::addRow("html") << u"SERVER -&gt; CLIENT: 250 OK<br>\nCLIENT -&gt; SERVER: QUIT<br />"_qs << false;
    QTest::addRow("a few entities are no html")
        << u"CLIENT -> SERVER: MAIL FROM:<a@b.example>\nSERVER -> CLIENT: 250 OK\nSERVER -> CLIENT: 250 a&amp;b\n"
           "CLIENT -> SERVER: QUIT\nSERVER -> CLIENT: 221 bye"_qs
        << true;
    QTest::addRow("tabs") << u"2026-03-02 10:15:01\tCLIENT -> SERVER: QUIT"_qs << false;
    QTest::addRow("docker") << u"mail_1   | Apr 14 10:00:00 mx postfix/smtp[7]: a\nmail_1   | b"_qs << false;
    QTest::addRow("blank only") << u"\n  \n"_qs << false;
    QTest::addRow("empty") << QString() << false;
}

void TestTranscript::viewStripMatchesStrip()
{
    QFETCH(QString, input);
    QFETCH(bool, views);
    QList<SourceLineView> lines;
    QCOMPARE(WrapperStripper::stripToViews(input, &lines), views);
    if (!views) {
        QVERIFY(lines.isEmpty());
        return;
    }
    compareViewLines(input, lines);
}

void TestTranscript::viewStripOnEveryFile()
{
    // Whenever stripToViews() takes a text, its lines are strip()'s: on every fixture and corpus file.
    QStringList files;
    for (const QFileInfo &f : QDir(m_dataDir).entryInfoList({ u"*.txt"_qs, u"*.log"_qs }, QDir::Files))
        files.append(f.filePath());
    const QString corpus = QStringLiteral(SMTPSCOPE_SOURCE_DIR "/../shared/corpus/transcripts");
    for (const QFileInfo &f : QDir(corpus).entryInfoList(QDir::Files))
        files.append(f.filePath());
    QVERIFY(files.size() > 20);
    int taken = 0;
    for (const QString &file : std::as_const(files)) {
        const QString text = QString::fromUtf8(readAll(file));
        QList<SourceLineView> lines;
        if (!WrapperStripper::stripToViews(text, &lines))
            continue;
        ++taken;
        compareViewLines(text, lines);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(file));
    }
    QVERIFY(taken > 10);
}

void TestTranscript::lineEndings_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addRow("LF") << QByteArray("220 mx ESMTP\nEHLO a\n250 mx\n");
    QTest::addRow("CRLF") << QByteArray("220 mx ESMTP\r\nEHLO a\r\n250 mx\r\n");
    QTest::addRow("CR only") << QByteArray("220 mx ESMTP\rEHLO a\r250 mx\r");
    QTest::addRow("CRCRLF (pty)") << QByteArray("220 mx ESMTP\r\r\nEHLO a\r\r\n250 mx\r\r\n");
    QTest::addRow("no final newline") << QByteArray("220 mx ESMTP\nEHLO a\n250 mx");
}

void TestTranscript::lineEndings()
{
    QFETCH(QByteArray, input);
    const Transcript t = TranscriptReader::read(input, u"inline"_qs);
    QCOMPARE(t.dialect, u"raw"_qs);
    QCOMPARE(t.lineCount, 3);
    QCOMPARE(t.sessions.size(), 1);
    const Session &s = t.sessions.first();
    QCOMPARE(s.steps.size(), 2);
    QCOMPARE(s.steps.at(1).verb, u"EHLO"_qs);
    QCOMPARE(s.steps.at(1).firstLine, 2);
    QCOMPARE(s.steps.at(1).lastLine, 3);
    QCOMPARE(s.steps.at(1).reply.code, 250);
}

void TestTranscript::detection_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("dialect");
    QTest::addRow("mailkit without the connect line")
        << u"S: 220 mx ESMTP\nC: EHLO a\nS: 250 mx\nC: QUIT\nS: 221 bye"_qs << u"mailkit"_qs;
    QTest::addRow("smtplib python 2")
        << u"send: 'ehlo a\\r\\n'\nreply: '250 mx\\r\\n'\nreply: retcode (250); Msg: mx"_qs << u"smtplib"_qs;
    QTest::addRow("swaks mid-session") << u"<-  250 2.1.0 OK\n -> RCPT TO:<a@b.example>\n<** 550 5.1.1 no"_qs
                                       << u"swaks"_qs;
    QTest::addRow("phpmailer without timestamps")
        << u"SERVER -> CLIENT: 220 mx ESMTP\nCLIENT -> SERVER: EHLO a\nSERVER -> CLIENT: 250 mx"_qs << u"phpmailer"_qs;
    QTest::addRow("exim mainlog with pid")
        << u"2026-03-02 13:10:02 [4411] 1wXzAb-000Bcd-3R Completed"_qs << u"exim-log"_qs;
    QTest::addRow("a bare reply") << u"550 5.1.1 <a@b.example>: Recipient address rejected"_qs << u"raw"_qs;
    QTest::addRow("prose is not a transcript") << u"Hello,\nmy mail does not arrive.\nThanks"_qs << QString();
}

void TestTranscript::detection()
{
    QFETCH(QString, text);
    QFETCH(QString, dialect);
    QCOMPARE(TranscriptReader::detect(WrapperStripper::strip(text.toUtf8()).lines), dialect);
}

void TestTranscript::findings_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QStringList>("absent");
    const QString ok
        = u"220 mx.example ESMTP\nEHLO c.example\n250-mx.example\n250-PIPELINING\n250-SIZE 1000\n250 STARTTLS\n"_qs;
    QTest::addRow("clean session") << ok + u"MAIL FROM:<a@b.example>\n250 OK\nQUIT\n221 bye"_qs << QStringList()
                                   << QStringList { u"missing-quit"_qs, u"mail-before-helo"_qs };
    QTest::addRow("command before greeting")
        << u"EHLO c.example\n220 mx.example ESMTP\n250 mx.example\nQUIT\n221 bye"_qs
        << QStringList { u"command-before-greeting"_qs } << QStringList();
    QTest::addRow("MAIL before EHLO")
        << u"220 mx.example ESMTP\nMAIL FROM:<a@b.example>\n503 5.5.1 EHLO first\nQUIT\n221 bye"_qs
        << QStringList { u"mail-before-helo"_qs } << QStringList();
    QTest::addRow("MAIL after STARTTLS without EHLO")
        << ok + u"STARTTLS\n220 2.0.0 go\nMAIL FROM:<a@b.example>\n250 OK\nQUIT\n221 bye"_qs
        << QStringList { u"mail-before-helo"_qs } << QStringList();
    QTest::addRow("pipelining not offered")
        << u"220 mx.example ESMTP\nEHLO c.example\n250-mx.example\n250 SIZE 1000\nMAIL FROM:<a@b.example>\nRCPT TO:<x@y.example>\n250 OK\n250 OK\nQUIT\n221 bye"_qs
        << QStringList { u"pipelining-not-offered"_qs } << QStringList();
    QTest::addRow("pipelining offered") << ok
            + u"MAIL FROM:<a@b.example>\nRCPT TO:<x@y.example>\n250 OK\n250 OK\nQUIT\n221 bye"_qs
                                        << QStringList() << QStringList { u"pipelining-not-offered"_qs };
    QTest::addRow("AUTH before TLS") << ok + u"AUTH PLAIN AGFAYgBj\n235 2.7.0 ok\nQUIT\n221 bye"_qs
                                     << QStringList { u"auth-before-tls"_qs } << QStringList();
    QTest::addRow("AUTH after STARTTLS") << ok
            + u"STARTTLS\n220 2.0.0 go\nEHLO c.example\n250 mx.example\nAUTH PLAIN AGFAYgBj\n235 2.7.0 ok\nQUIT\n221 bye"_qs
                                         << QStringList() << QStringList { u"auth-before-tls"_qs };
    QTest::addRow("DATA after every RCPT rejected")
        << ok
            + u"MAIL FROM:<a@b.example>\n250 OK\nRCPT TO:<x@y.example>\n550 5.1.1 no\nDATA\n554 5.5.1 no valid recipients\nQUIT\n221 bye"_qs
        << QStringList { u"data-after-all-rcpt-rejected"_qs } << QStringList();
    QTest::addRow("message larger than SIZE")
        << ok + u"MAIL FROM:<a@b.example> SIZE=5000\n552 5.3.4 too big\nQUIT\n221 bye"_qs
        << QStringList { u"message-too-large"_qs } << QStringList();
    QTest::addRow("body larger than SIZE")
        << ok + u"MAIL FROM:<a@b.example>\n250 OK\nRCPT TO:<x@y.example>\n250 OK\nDATA\n354 go\n"_qs
            + QString(20, QLatin1Char('x')).repeated(1) + u"\n"_qs + QString(1200, QLatin1Char('y'))
            + u"\n.\n552 5.3.4 too big\nQUIT\n221 bye"_qs
        << QStringList { u"message-too-large"_qs } << QStringList();
    QTest::addRow("421 mid-session") << ok + u"MAIL FROM:<a@b.example>\n421 4.7.0 try later"_qs
                                     << QStringList { u"421-mid-session"_qs } << QStringList { u"missing-quit"_qs };
    QTest::addRow("missing QUIT") << ok + u"MAIL FROM:<a@b.example>\n250 OK"_qs << QStringList { u"missing-quit"_qs }
                                  << QStringList();
    QTest::addRow("enhanced class differs")
        << ok + u"MAIL FROM:<a@b.example>\n250 OK\nRCPT TO:<x@y.example>\n450 5.1.1 unknown\nQUIT\n221 bye"_qs
        << QStringList { u"enhanced-class-mismatch"_qs } << QStringList();
    QTest::addRow("non-standard code") << ok + u"NOOP\n299 odd\nQUIT\n221 bye"_qs
                                       << QStringList { u"non-standard-code"_qs } << QStringList();
    QTest::addRow("reply without code")
        << u"<-  220 mx.example ESMTP\n -> EHLO c.example\n<-  hello there\n -> QUIT\n<-  221 bye"_qs
        << QStringList { u"reply-without-code"_qs } << QStringList();
    QTest::addRow("cut mid-reply") << u"220 mx.example ESMTP\nEHLO c.example\n250-mx.example\n250-SIZE 1000"_qs
                                   << QStringList { u"reply-cut-short"_qs } << QStringList();
}

void TestTranscript::findings()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, absent);
    const Transcript t = TranscriptReader::read(text.toUtf8(), u"inline"_qs);
    QVERIFY2(t.isTranscript(), qPrintable(t.error));
    const QStringList ids = findingIds(t);
    for (const QString &id : expected)
        QVERIFY2(ids.contains(id), qPrintable(id + u" not in "_qs + ids.join(u", "_qs)));
    for (const QString &id : absent)
        QVERIFY2(!ids.contains(id), qPrintable(id + u" unexpectedly in "_qs + ids.join(u", "_qs)));
    // Every finding tied to a step is listed on that step too.
    for (const Session &s : t.sessions)
        for (const Finding &f : s.findings)
            if (f.step >= 0)
                QVERIFY(s.steps.at(f.step).findings.contains(f));
}

void TestTranscript::pipelinedRepliesPairInOrder()
{
    // Exim sends QUIT before the RCPT replies arrive: a FIFO pairs them, not adjacency.
    const Transcript t = readFixture(u"exim-verbose.txt"_qs);
    QCOMPARE(t.sessions.size(), 1);
    const Session &s = t.sessions.first();
    QStringList pairs;
    for (const Step &step : s.steps)
        if (!step.verb.isEmpty())
            pairs << step.verb + QLatin1Char('=') + QString::number(step.reply.code);
    QCOMPARE(pairs,
        QStringList(
            { u"EHLO=250"_qs, u"MAIL=250"_qs, u"RCPT=250"_qs, u"RCPT=550"_qs, u"BDAT=250"_qs, u"QUIT=221"_qs }));
    QVERIFY(s.steps.at(4).pipelined);
    QCOMPARE(s.steps.at(5).reply.lines.size(), 2); // "550-Unrouteable address" + indented "550 (gone.user)"
}

void TestTranscript::exchangeRowsFollowSequenceNumbers()
{
    const Transcript t = readFixture(u"exchange-out-of-order.txt"_qs);
    QCOMPARE(t.sessions.size(), 2);
    auto pairs = [](const Session &s) {
        QStringList out;
        for (const Step &step : s.steps)
            if (!step.verb.isEmpty())
                out << step.verb + QLatin1Char('=') + QString::number(step.reply.code);
        return out;
    };
    // Written out of order by the server, read in sequence-number order: every command gets its reply.
    const Session &a = t.sessions.at(0);
    QCOMPARE(pairs(a), QStringList({ u"EHLO=250"_qs, u"MAIL=250"_qs, u"RCPT=550"_qs, u"QUIT=221"_qs }));
    QCOMPARE(a.outcomes.size(), 1);
    QCOMPARE(a.outcomes.first().recipient, u"left.company@corp.example"_qs);
    QCOMPARE(a.outcomes.first().kind, RecipientOutcome::Kind::RejectedAtRcpt);
    QVERIFY(a.capabilities.pipelining);
    const Session &b = t.sessions.at(1);
    QCOMPARE(pairs(b), QStringList({ u"EHLO=250"_qs, u"MAIL=250"_qs, u"RCPT=250"_qs, u"DATA=354"_qs, u"QUIT=221"_qs }));
    QCOMPARE(b.client, u"scanner.corp.example"_qs);
    QVERIFY(!findingIds(t).contains(u"command-before-greeting"_qs));

    // The same rows in file order would pair MAIL with nothing: the order matters.
    QStringList texts;
    for (const Step &step : a.steps)
        texts << step.note;
    QVERIFY(!texts.contains(u"A reply to no command shown in the transcript."_qs));
}

void TestTranscript::harakaWrappedLinesAreRejoined()
{
    const Transcript t = readFixture(u"haraka-terminal-wrapped.txt"_qs);
    QCOMPARE(t.dialect, u"haraka"_qs);
    QVERIFY(t.unplaced.isEmpty());
    QCOMPARE(t.sessions.size(), 1);
    const Session &s = t.sessions.first();
    QStringList commands;
    const Step *rejected = nullptr;
    for (const Step &step : s.steps) {
        if (!step.verb.isEmpty())
            commands << step.command();
        if (step.verb == u"RCPT" && step.reply.code == 550)
            rejected = &step;
    }
    // Split mid-word at column 80, joined back without a gap.
    QVERIFY2(commands.contains(u"MAIL FROM:<bounces+list-4711@sender.example>"_qs), qPrintable(commands.join(u", ")));
    QVERIFY2(commands.contains(u"RCPT TO:<former.employee@relay.haraka.example>"_qs), qPrintable(commands.join(u", ")));
    QVERIFY(rejected);
    QCOMPARE(
        rejected->reply.text(), u"<former.employee@relay.haraka.example>: mailbox unavailable, no such user here"_qs);
    QCOMPARE(s.client, u"newsletter.sender.example"_qs);
    QCOMPARE(s.server, u"relay.haraka.example"_qs);
    QVERIFY(s.capabilities.pipelining);
    QCOMPARE(s.capabilities.size, 26214400);
    const QStringList ids = findingIds(t);
    QVERIFY2(!ids.contains(u"missing-quit"_qs), qPrintable(ids.join(u", ")));
}

void TestTranscript::capabilities()
{
    const Transcript t = readFixture(u"swaks-starttls.txt"_qs);
    const Capabilities &c = t.sessions.first().capabilities;
    QVERIFY(c.seen);
    QCOMPARE(c.size, 52428800);
    QVERIFY(c.pipelining);
    QVERIFY(!c.startTls); // the EHLO after STARTTLS no longer offers it
    QVERIFY(c.enhancedStatusCodes);
    QCOMPARE(c.authMechanisms, QStringList({ u"PLAIN"_qs, u"LOGIN"_qs }));
    QCOMPARE(t.sessions.first().tls.mode, TlsInfo::Mode::StartTls);
    QCOMPARE(t.sessions.first().tls.detail, u"TLSv1.3:TLS_AES_256_GCM_SHA384:256"_qs);

    // Exchange flattens the EHLO reply onto one line.
    const Capabilities x = readFixture(u"exchange-receive.txt"_qs).sessions.first().capabilities;
    QCOMPARE(x.size, 37748736);
    QVERIFY(x.pipelining && x.dsn && x.startTls && x.chunking && x.eightBitMime && x.enhancedStatusCodes);
    QCOMPARE(x.authMechanisms, QStringList({ u"NTLM"_qs, u"LOGIN"_qs }));

    Reply old;
    old.code = 250;
    old.textLines = QStringList { u"mx.example"_qs, u"AUTH=LOGIN PLAIN"_qs, u"REQUIRETLS"_qs, u"SMTPUTF8"_qs };
    const Capabilities o = Capabilities::fromEhloReply(old);
    QCOMPARE(o.authMechanisms, QStringList({ u"LOGIN"_qs, u"PLAIN"_qs }));
    QVERIFY(o.requireTls && o.smtpUtf8);
    QCOMPARE(o.size, -1);
}

void TestTranscript::credentialsAreRedacted()
{
    const QStringList secrets { u"YW5uQHNob3AuZXhhbXBsZQ=="_qs, u"aHVudGVyMg=="_qs,
        u"AGFubkBzaG9wLmV4YW1wbGUAaHVudGVyMg=="_qs, u"c2VjcmV0LXBhc3N3b3Jk"_qs,
        u"AGNyb25Ac2hvcC5leGFtcGxlAHMzY3IzdA=="_qs, u"AGN1cmxAc2hvcC5leGFtcGxlAHB3"_qs, u"YXBwQHNob3AuZXhhbXBsZQ=="_qs,
        u"AHdvcmtlckBzaG9wLmV4YW1wbGUAcHc="_qs };
    const QStringList files = QDir(m_dataDir).entryList({ u"*.txt"_qs }, QDir::Files);
    for (const QString &file : files) {
        const Transcript t = readFixture(file);
        const QString json = QString::fromUtf8(transcriptToJsonText(t, &*m_decoder));
        for (const QString &secret : secrets)
            QVERIFY2(!json.contains(secret), qPrintable(file + u" leaks "_qs + secret));
        for (const Session &s : t.sessions)
            for (const Step &step : s.steps)
                if (step.verb == u"AUTH")
                    QVERIFY2(step.argument.count(QLatin1Char(' ')) == 0 || step.argument.endsWith(u"[redacted]"),
                        qPrintable(file + u": "_qs + step.argument));
    }
    const Transcript smtplib = readFixture(u"smtplib-level2.txt"_qs);
    QCOMPARE(smtplib.sessions.first().steps.at(3).command(), u"AUTH PLAIN [redacted]"_qs);
}

void TestTranscript::badInput_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("transcript");
    QByteArray binary(4096, '\0');
    for (int i = 0; i < binary.size(); ++i)
        binary[i] = char((i * 37 + 11) % 256);
    QTest::addRow("binary data") << binary << false;
    QTest::addRow("empty") << QByteArray() << false;
    QTest::addRow("only blank lines") << QByteArray("\n\n  \n\r\n") << false;
    QTest::addRow("prose") << QByteArray("Dear support,\nmy emails bounce.\nRegards") << false;
    QTest::addRow("invalid UTF-8") << QByteArray("220 mx \xff\xfe ESMTP\nEHLO a\n250 ok\n") << true;
    QTest::addRow("cut mid-reply") << QByteArray(
        "<-  220 mx ESMTP\n -> EHLO a\n<-  250-mx\n<-  250-SIZE 10\n<-  250-PIPE")
                                   << true;
    QTest::addRow("reply without code") << QByteArray("S: 220 mx\nC: EHLO a\nS: Hello\nC: QUIT\nS:") << true;
    QTest::addRow("lone continuation") << QByteArray("250-\n") << true;
    QTest::addRow("replies only") << QByteArray("221 bye\n421 closing\n") << true;
    QTest::addRow("huge line") << QByteArray("220 mx ESMTP\nEHLO ") + QByteArray(3 << 20, 'a') + "\n250 ok\n" << true;
    QTest::addRow("unterminated DATA") << QByteArray("220 mx\nDATA\n354 go\nline\nline\n") << true;
    QTest::addRow("AUTH never answered") << QByteArray("220 mx\nAUTH LOGIN\n334 VXNlcm5hbWU6\nYQ==\n") << true;
}

void TestTranscript::badInput()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, transcript);
    const Transcript t = TranscriptReader::read(input, u"bad"_qs);
    QCOMPARE(t.isTranscript(), transcript);
    QCOMPARE(t.error.isEmpty(), transcript);
    // The JSON form exists either way.
    QVERIFY(!transcriptToJsonText(t, &*m_decoder).isEmpty());
    QCOMPARE(transcriptToJsonText(t, &*m_decoder, true), orderedJson(transcriptToJson(t, &*m_decoder), true));
}

void TestTranscript::badInputIsExplained()
{
    // Binary data: refused with a message that says so.
    QByteArray binary(1 << 20, '\0');
    for (qsizetype i = 0; i < binary.size(); ++i)
        binary[i] = char((i * 131 + 7) % 256);
    const Transcript b = TranscriptReader::read(binary, u"blob"_qs);
    QVERIFY(!b.isTranscript());
    QVERIFY2(b.error.contains(u"binary"_qs), qPrintable(b.error));

    // A 50 MB single line inside a transcript (a pasted blob): the line is cut, the rest still reads.
    constexpr qsizetype kHuge = qsizetype(50) << 20;
    QByteArray huge = "220 mx.example ESMTP\nEHLO ";
    huge.append(QByteArray(kHuge, 'a'));
    huge.append("\n250 mx.example\nQUIT\n221 bye\n");
    const Transcript h = TranscriptReader::read(huge, u"huge"_qs);
    QCOMPARE(h.dialect, u"raw"_qs);
    QCOMPARE(h.sessions.size(), 1);
    const Session &hs = h.sessions.first();
    QCOMPARE(hs.steps.size(), 3);
    QCOMPARE(hs.steps.at(1).verb, u"EHLO"_qs);
    QCOMPARE(hs.steps.at(1).reply.code, 250);
    QVERIFY(hs.steps.at(1).argument.size() < kHuge / 10);
    QCOMPARE(hs.steps.at(2).reply.code, 221);
    huge.clear();

    // 50 MB without any line end: no transcript, and a message rather than a hang.
    const Transcript one = TranscriptReader::read(QByteArray(kHuge, 'x'), u"one-line"_qs);
    QVERIFY(!one.isTranscript());
    QVERIFY(one.error.contains(u"not an SMTP transcript"_qs));

    // Cut mid-reply: the reply is kept and flagged as cut short.
    const Transcript cut
        = TranscriptReader::read("<-  220 mx ESMTP\n -> EHLO a\n<-  250-mx\n<-  250-SIZE 10\n<-  250-PIPE", u"cut"_qs);
    QCOMPARE(cut.dialect, u"swaks"_qs);
    QVERIFY2(findingIds(cut).contains(u"reply-cut-short"_qs), qPrintable(findingIds(cut).join(u", ")));
    QCOMPARE(cut.sessions.first().steps.last().reply.lines.size(), 3);

    // A reply without a code: kept as the reply to its command and reported.
    const Transcript codeless
        = TranscriptReader::read("S: 220 mx\nC: EHLO a\nS: Hello\nC: QUIT\nS: 221 bye", u"codeless"_qs);
    QCOMPARE(codeless.dialect, u"mailkit"_qs);
    QVERIFY2(findingIds(codeless).contains(u"reply-without-code"_qs), qPrintable(findingIds(codeless).join(u", ")));
}

void TestTranscript::chunkedReadingMatchesWholeReading_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("dialect");
    // A Postfix log with interleaved queue ids, TLS lines that wait for their process's next queue id,
    // hard-wrapped entries, blank lines and another program's lines; big enough for many 64 KiB chunks.
    QByteArray maillog;
    for (int i = 0; maillog.size() < 1200 * 1024; ++i) {
        const QByteArray n = QByteArray::number(i);
        const QByteArray qa = QByteArray::number(0xA0000 + i, 16).toUpper().rightJustified(10, '0');
        const QByteArray qb = QByteArray::number(0xB0000 + i, 16).toUpper().rightJustified(10, '0');
        const QByteArray stamp = "Mar  2 10:" + QByteArray::number(10 + i % 50) + ":0" + QByteArray::number(i % 10);
        const QByteArray pid = QByteArray::number(2000 + i % 7);
        maillog += stamp + " mx postfix/qmgr[99]: " + qa + ": from=<a" + n
            + "@x.example>, size=10, nrcpt=1 (queue active)\n";
        maillog += stamp + " mx postfix/smtp[" + pid
            + "]: Verified TLS connection established to mx.y.example[192.0.2.7]:25: TLSv1.3 with cipher "
              "TLS_AES_256_GCM_SHA384 (256/256 bits)\n";
        maillog += stamp + " mx postfix/qmgr[99]: " + qb + ": from=<b" + n
            + "@x.example>, size=10, nrcpt=1 (queue active)\n";
        maillog += stamp + " mx postfix/smtp[" + pid + "]: " + qa + ": to=<u" + n
            + "@y.example>, relay=mx.y.example[192.0.2.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host "
              "mx.y.example[192.0.2.7] said: 550-5.1.1 no such user 550 5.1.1 try again (in reply to RCPT TO "
              "command))\n";
        if (i % 5 == 0)
            maillog += stamp + " mx dovecot[77]: imap-login: Login: user=<u" + n + ">\n\n";
        maillog += stamp + " mx postfix/smtp[" + QByteArray::number(3000 + i % 5) + "]: " + qb + ": to=<v" + n
            + "@z.example>, relay=mx.z.example[192.0.2.8]:25, delay=1, delays=0/0/0/1, dsn=4.7.1, status=deferred "
              "(host "
              "mx.z.example[192.0.2.8] said: 451 4.7.1 greylisted (in reply to RCPT TO command))\n";
        if (i % 9 == 0)
            maillog += "   wrapped tail of the line above\n";
    }
    QTest::addRow("postfix-log") << maillog << u"postfix-log"_qs;
    // Tabs in some chunks: those are stripped whole (strip()), the others as views (stripToViews()).
    QByteArray mixed = maillog;
    for (qsizetype at = mixed.indexOf("imap-login: ", 100000); at >= 0; at = mixed.indexOf("imap-login: ", at + 150000))
        mixed[at + 11] = '\t';
    QTest::addRow("postfix-log, tabs in some chunks") << mixed << u"postfix-log"_qs;
    // A byte-order mark (dropped), and Latin-1 text (not UTF-8: every chunk is read as Latin-1).
    QTest::addRow("postfix-log with a BOM") << QByteArray("\xEF\xBB\xBF") + maillog << u"postfix-log"_qs;
    QByteArray latin1 = maillog;
    latin1.replace("imap-login: Login: user=<u1",
        "imap-login: Login: user=<\xE9"
        "t\xE9"
        "1");
    QVERIFY(latin1 != maillog);
    QTest::addRow("postfix-log in Latin-1") << latin1 << u"postfix-log"_qs;
    QByteArray swaks;
    for (int i = 0; swaks.size() < 900 * 1024; ++i) {
        const QByteArray n = QByteArray::number(i);
        swaks += "=== Trying 127.0.0.1:2525...\n=== Connected to 127.0.0.1.\n<-  220 mx ESMTP\n -> EHLO c" + n
            + "\n<-  250-mx\n<-  250-PIPELINING\n<-  250 SIZE 1000\n -> MAIL FROM:<a@b.example>\n -> RCPT TO:<u" + n
            + "@c.example>\n<-  250 ok\n<** 550-5.1.1 no\n<** 550 5.1.1 such user\n -> QUIT\n<-  221 bye\n"
              "*** Remote host closed connection unexpectedly.\n=== Connection closed with remote host.\n";
    }
    QTest::addRow("swaks") << swaks << u"swaks"_qs;
}

void TestTranscript::chunkedReadingMatchesWholeReading()
{
    // Large logs are read in chunks so that their lines never exist all at once; the result must be the
    // one of reading them whole (parser state, line numbers and wrapped lines carry across chunks).
    QFETCH(QByteArray, input);
    QFETCH(QString, dialect);
    const Transcript whole = TranscriptReader::parseLines(WrapperStripper::strip(input).lines, {}, u"in"_qs);
    const Transcript chunked = TranscriptReader::readInChunks(input, u"in"_qs, 64 * 1024);
    QCOMPARE(whole.dialect, dialect);
    QVERIFY(whole.sessions.size() > 100);
    QCOMPARE(chunked.dialect, whole.dialect);
    QCOMPARE(chunked.lineCount, whole.lineCount);
    QCOMPARE(chunked.unplaced, whole.unplaced);
    QCOMPARE(chunked.sessions.size(), whole.sessions.size());
    for (qsizetype i = 0; i < whole.sessions.size(); ++i)
        QVERIFY2(chunked.sessions.at(i) == whole.sessions.at(i), qPrintable(QStringLiteral("session %1").arg(i)));
    QVERIFY(chunked == whole);
}

void TestTranscript::streamedSessionsMatchWholeReading()
{
    // A large mail log read from a file with a session sink: each message's session goes out once qmgr
    // has removed it, in the order of the whole read, except that a message still open while 10,000
    // later ones are complete comes after them. Here the first message is never removed.
    QByteArray log = "Mar  2 10:00:00 mx postfix/smtp[10]: 00000000AA: to=<first@y.example>, relay=mx.y.example"
                     "[192.0.2.7]:25, delay=1, delays=0/0/0/1, dsn=4.7.1, status=deferred (host mx.y.example"
                     "[192.0.2.7] said: 451 4.7.1 later (in reply to RCPT TO command))\n";
    QByteArray previous;
    for (int i = 0; log.size() < 9 * 1024 * 1024; ++i) {
        const QByteArray q = QByteArray::number(0xC00000 + i, 16).toUpper();
        const QByteArray pid = QByteArray::number(100 + i % 3);
        const QByteArray stamp = "Mar  2 10:" + QByteArray::number(10 + i % 50) + ":00 mx postfix/";
        log += stamp + "smtpd[" + pid + "]: connect from a.example[192.0.2.1]\n";
        log += stamp + "smtp[" + pid
            + "]: Verified TLS connection established to mx.y.example[192.0.2.7]:25: TLSv1.3\n";
        log += stamp + "smtp[" + pid + "]: " + q + ": to=<u" + QByteArray::number(i)
            + "@y.example>, relay=mx.y.example[192.0.2.7]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent "
              "(250 ok)\n";
        if (!previous.isEmpty())
            log += stamp + "qmgr[9]: " + previous + ": removed\n";
        log += stamp + "smtpd[" + pid + "]: disconnect from a.example[192.0.2.1]\n";
        previous = q;
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"mail.log"_qs);
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(out.write(log), log.size());
    out.close();

    const Transcript whole = TranscriptReader::parseLines(WrapperStripper::strip(log).lines, {}, path);
    QCOMPARE(whole.dialect, u"postfix-log"_qs);
    QVERIFY(whole.sessions.size() > 20000);
    QCOMPARE(whole.sessions.first().outcomes.value(0).recipient, u"first@y.example"_qs);
    QVERIFY(TranscriptReader::readInChunks(log, path, 256 * 1024) == whole);

    QList<Session> streamed;
    QStringList dialects;
    const Transcript t = TranscriptReader::readFile(path, [&](const QString &dialect, Session &&s) {
        if (!dialects.contains(dialect))
            dialects.append(dialect);
        streamed.append(std::move(s));
    });
    QCOMPARE(dialects, QStringList { u"postfix-log"_qs });
    QCOMPARE(t.dialect, u"postfix-log"_qs);
    QVERIFY(t.sessions.isEmpty());
    QCOMPARE(t.unplaced, whole.unplaced);
    QCOMPARE(t.lineCount, whole.lineCount);
    QCOMPARE(streamed.size(), whole.sessions.size());
    // The open first message went out when the log ended, ahead of the last 10,000 complete ones that
    // still waited for it, after the earlier ones that the bounded wait let go.
    qsizetype at = 0;
    while (at < streamed.size() && streamed.at(at).firstLine != 1)
        ++at;
    QVERIFY(at < streamed.size() && streamed.at(at) == whole.sessions.first());
    QVERIFY(at > 10000);
    QVERIFY(streamed.size() - 1 - at >= 10000);
    QList<Session> rest = streamed;
    rest.removeAt(at);
    for (qsizetype i = 1; i < whole.sessions.size(); ++i)
        QVERIFY2(rest.at(i - 1) == whole.sessions.at(i), qPrintable(QStringLiteral("session %1").arg(i)));

    // The CLI's JSON text from the streamed sessions is that of the whole transcript with the same order.
    Transcript reordered = whole;
    reordered.sessions = streamed;
    QByteArray text = transcriptJsonHead(path, t.dialect);
    for (qsizetype i = 0; i < streamed.size(); ++i)
        text += transcriptJsonSession(streamed.at(i), nullptr, i == 0);
    text += transcriptJsonTail(true);
    QCOMPARE(text, transcriptToJsonText(reordered, nullptr));
}

void TestTranscript::mutatedFixturesDoNotCrash()
{
    // A cheap fuzz pass: cut, splice and corrupt every fixture; parsing must never crash or hang.
    QRandomGenerator rng(20260302);
    const QStringList files = QDir(m_dataDir).entryList({ u"*.txt"_qs }, QDir::Files);
    int parsed = 0;
    for (const QString &file : files) {
        const QByteArray original = readAll(m_dataDir + QLatin1Char('/') + file);
        for (int round = 0; round < 25; ++round) {
            QByteArray data = original;
            const int edits = 1 + int(rng.bounded(6));
            for (int e = 0; e < edits && !data.isEmpty(); ++e) {
                const qsizetype at = rng.bounded(int(data.size()));
                switch (rng.bounded(4)) {
                case 0:
                    data.truncate(at);
                    break;
                case 1:
                    data.remove(at, rng.bounded(200));
                    break;
                case 2:
                    data.insert(at, original.mid(rng.bounded(int(original.size())), rng.bounded(120)));
                    break;
                default:
                    data[at] = char(rng.bounded(256));
                }
            }
            const Transcript t = TranscriptReader::read(data, file);
            transcriptToJsonText(t, &*m_decoder);
            ++parsed;
        }
    }
    QVERIFY(parsed > 0);
}

void TestTranscript::reusedLineIsResetWhole()
{
    // A stream reuses one line: reset() must leave nothing of the line before, whatever a sink did to it, and give
    // the payload as its own string or, transient, as a view.
    for (const bool transient : { false, true }) {
        ProtocolLine l;
        l.kind = ProtocolLine::Kind::Outcome;
        l.event = ProtocolLine::Event::Close;
        l.line = 7;
        l.text = QStringLiteral("text");
        l.textView = u"view";
        l.timestamp = QStringLiteral("old stamp");
        l.session = QStringLiteral("#1:ABC");
        l.continuation = true;
        l.attach = true;
        l.peer = QStringLiteral("peer");
        l.implicitTls = true;
        l.viaStartTls = true;
        l.outcome.recipient = QStringLiteral("a@example.com");
        l.outcome.kind = RecipientOutcome::Kind::Deferred;
        l.outcome.step = 3;
        l.outcome.reply.code = 451;
        l.command = QStringLiteral("RCPT TO:<a@example.com>");
        l.outcomeStep = false;
        l.server = QStringLiteral("mx.example.com");
        l.endsSession = true;
        const QString stamp = QStringLiteral("Nov 23 10:00:00");
        const QString payload = QStringLiteral("EHLO client.example");
        l.reset(ProtocolLine::Kind::Client, 12, stamp, payload, transient);

        const ProtocolLine fresh;
        QCOMPARE(l.kind, ProtocolLine::Kind::Client);
        QCOMPARE(l.line, 12);
        QCOMPARE(l.timestamp, stamp);
        QCOMPARE(l.event, fresh.event);
        if (transient) {
            QVERIFY(l.text.isNull());
            QCOMPARE(l.textView, QStringView(payload));
            QVERIFY(l.textView.data() == payload.constData()); // a view of the payload, no copy
        } else {
            QCOMPARE(l.text, payload);
            QVERIFY(l.textView.isNull());
        }
        QCOMPARE(l.payload(), QStringView(payload));
        QVERIFY(l.session.isNull());
        QCOMPARE(l.continuation, fresh.continuation);
        QCOMPARE(l.attach, fresh.attach);
        QVERIFY(l.peer.isNull());
        QCOMPARE(l.implicitTls, fresh.implicitTls);
        QCOMPARE(l.viaStartTls, fresh.viaStartTls);
        QVERIFY(l.outcome == fresh.outcome);
        QVERIFY(l.outcome.recipient.isNull());
        QVERIFY(l.command.isNull());
        QCOMPARE(l.outcomeStep, fresh.outcomeStep);
        QVERIFY(l.server.isNull());
        QCOMPARE(l.endsSession, fresh.endsSession);
    }
}

void TestTranscript::streamedLinesKeepTheirText()
{
    // A stream hands client, noise and (swaks) server lines over as views; parse() keeps its lines, so they must
    // come out as strings of their own, as before.
    const QString text = QStringLiteral("=== Trying mx.example.com:25...\n"
                                        "=== Connected to mx.example.com.\n"
                                        "<-  220 mx.example.com ESMTP\n"
                                        " -> EHLO client.example\n"
                                        "<-  250 mx.example.com\n"
                                        "  > raw noise\n"
                                        " -> QUIT\n"
                                        "<-  221 Bye\n");
    const QList<SourceLine> lines = WrapperStripper::strip(text).lines;
    const TranscriptParser *swaks = TranscriptReader::parser(QStringLiteral("swaks"));
    QVERIFY(swaks);
    QList<ProtocolLine> parsed = swaks->parse(lines);
    QCOMPARE(parsed.size(), lines.size());
    const QStringList expected { QStringLiteral("Trying mx.example.com:25..."),
        QStringLiteral("Connected to mx.example.com."), QStringLiteral("220 mx.example.com ESMTP"),
        QStringLiteral("EHLO client.example"), QStringLiteral("250 mx.example.com"), QStringLiteral("  > raw noise"),
        QStringLiteral("QUIT"), QStringLiteral("221 Bye") };
    for (qsizetype i = 0; i < parsed.size(); ++i) {
        QVERIFY2(parsed.at(i).textView.isNull(), qPrintable(expected.at(i)));
        QCOMPARE(parsed.at(i).text, expected.at(i));
        QCOMPARE(parsed.at(i).payload(), QStringView(expected.at(i)));
    }
    // The lines themselves are gone: what parse() returned does not point into them.
    const QString quit = parsed.at(6).text;
    parsed.clear();
    QCOMPARE(quit, QStringLiteral("QUIT"));
    // Streamed, a line's payload reads the same while the sink runs.
    QStringList seen;
    swaks->parseInto(lines, [&seen](ProtocolLine &&l) { seen.append(l.payload().toString()); });
    QCOMPARE(seen, expected);
}

void TestTranscript::literalTestsAnswerAsQt()
{
    using namespace parsers;
    const QList<QStringView> texts { u"status=sent", u"RCPT TO:<a@b>", u"rcpt to:<a@b>", u"end of DATA", u"end of data",
        u"\u017Fize=10", u"MAIL FROM:<a@b> \u017FIZE=10", u"", u"RCP", u"x DATA", u"D\u00C4TA" };
    for (const QStringView t : texts) {
        QCOMPARE(startsWithLiteral(t, u"status="), t.startsWith(u"status="));
        QCOMPARE(indexOfLiteral(t, u"DATA"), t.indexOf(u"DATA"));
        QCOMPARE(indexOfLiteral(t, u"a", 3), t.indexOf(u"a", 3));
        QCOMPARE(indexOfChar(t, u'<'), t.indexOf(u'<'));
        QCOMPARE(indexOfChar(t, u'a', 2), t.indexOf(u'a', 2));
        QCOMPARE(startsWithNoCase(t, QLatin1StringView("RCPT TO")),
            t.startsWith(QLatin1StringView("RCPT TO"), Qt::CaseInsensitive));
        QCOMPARE(
            containsNoCase(t, QLatin1StringView("DATA")), t.contains(QLatin1StringView("DATA"), Qt::CaseInsensitive));
        QCOMPARE(
            containsNoCase(t, QLatin1StringView("SIZE=")), t.contains(QLatin1StringView("SIZE="), Qt::CaseInsensitive));
    }
}

void TestTranscript::metaTypes()
{
    const Transcript t = readFixture(u"swaks-starttls.txt"_qs);
    const QVariant v = QVariant::fromValue(t);
    QCOMPARE(v.value<Transcript>(), t);
    QVERIFY(QMetaType::fromType<Step>().isValid());
    QVERIFY(QMetaType::fromName("smtpscope::core::Session").isValid());
}

void TestTranscript::cli_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("outContains");
    const QString swaks = m_dataDir + u"/swaks-starttls.txt"_qs;
    QTest::addRow("text") << QStringList { u"transcript"_qs, swaks } << QByteArray() << 0 << u"rejected-rcpt"_qs;
    QTest::addRow("json") << QStringList { u"transcript"_qs, u"--format"_qs, u"json"_qs, swaks } << QByteArray() << 0
                          << u"{\"source\":"_qs;
    QTest::addRow("stdin") << QStringList { u"transcript"_qs, u"--format"_qs, u"json"_qs, u"-"_qs }
                           << QByteArray("220 mx ESMTP\nEHLO a\n250 mx\n") << 0 << u"\"dialect\":\"raw\""_qs;
    QTest::addRow("not a transcript") << QStringList { u"transcript"_qs, u"-"_qs } << QByteArray("hello\nworld\n") << 1
                                      << QString();
    QTest::addRow("missing file, others still read")
        << QStringList { u"transcript"_qs, u"--format"_qs, u"json"_qs, u"/nonexistent/x.txt"_qs, swaks } << QByteArray()
        << 1 << u"swaks-starttls.txt"_qs;
    QTest::addRow("no file") << QStringList { u"transcript"_qs } << QByteArray() << 2 << QString();
    QTest::addRow("bad format") << QStringList { u"transcript"_qs, u"--format"_qs, u"xml"_qs, swaks } << QByteArray()
                                << 2 << QString();
    QTest::addRow("unknown option") << QStringList { u"transcript"_qs, u"--frobnicate"_qs, swaks } << QByteArray() << 2
                                    << QString();
}

void TestTranscript::cli()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(int, exitCode);
    QFETCH(QString, outContains);
    QProcess p;
    p.start(QStringLiteral(SMTPSCOPE_CLI), args);
    QVERIFY(p.waitForStarted());
    p.write(input);
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(60000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == exitCode, qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
    if (!outContains.isEmpty())
        QVERIFY2(out.contains(outContains), qPrintable(out));
}

void TestTranscript::cliJsonMatchesGolden()
{
    // The CLI prints the golden form, compact, one object per line, with the path as given.
    const QString file = m_dataDir + u"/postfix-debug.txt"_qs;
    QProcess p;
    p.start(QStringLiteral(SMTPSCOPE_CLI), { u"transcript"_qs, u"--format"_qs, u"json"_qs, file });
    QVERIFY(p.waitForFinished(60000));
    const QByteArray out = p.readAllStandardOutput();
    QCOMPARE(out.count('\n'), 1);
    QVERIFY(out.startsWith("{\"source\":"));
    QJsonObject actual = QJsonDocument::fromJson(out).object();
    QJsonObject expected = QJsonDocument::fromJson(readAll(m_dataDir + u"/postfix-debug.expected"_qs)).object();
    QCOMPARE(actual.value(u"source"_qs).toString(), file);
    // The CLI classifies outcomes; the golden leaves that to the knowledge base tests.
    auto normalise = [](QJsonObject doc) {
        doc.remove(u"source"_qs);
        QJsonArray sessions = doc.value(u"sessions"_qs).toArray();
        for (qsizetype i = 0; i < sessions.size(); ++i) {
            QJsonObject session = sessions.at(i).toObject();
            QJsonArray outcomes = session.value(u"outcome"_qs).toArray();
            for (qsizetype j = 0; j < outcomes.size(); ++j) {
                QJsonObject o = outcomes.at(j).toObject();
                o.remove(u"reason"_qs);
                o.remove(u"hard"_qs);
                outcomes[j] = o;
            }
            session.insert(u"outcome"_qs, outcomes);
            sessions[i] = session;
        }
        doc.insert(u"sessions"_qs, sessions);
        return doc;
    };
    QCOMPARE(normalise(actual), normalise(expected));
}

void TestTranscript::classifiedOutcomes()
{
    // The JSON outcome carries the knowledge base's verdict for the deciding reply.
    const Transcript t = readFixture(u"swaks-starttls.txt"_qs);
    const QJsonObject doc = QJsonDocument::fromJson(transcriptToJsonText(t, &*m_decoder)).object();
    const QJsonObject o = doc.value(u"sessions"_qs)[0][u"outcome"_qs][0].toObject();
    QCOMPARE(o.value(u"recipient"_qs).toString(), u"gone.user@inbound.example"_qs);
    QCOMPARE(o.value(u"code"_qs).toInt(), 550);
    QCOMPARE(o.value(u"status"_qs).toString(), u"5.1.1"_qs);
    QCOMPARE(o.value(u"reason"_qs).toString(), u"userunknown"_qs);
    QCOMPARE(o.value(u"hard"_qs).toBool(), true);
    QCOMPARE(o.value(u"action"_qs).toString(), u"rejected-rcpt"_qs);

    const QJsonObject none = QJsonDocument::fromJson(transcriptToJsonText(t, nullptr)).object();
    QCOMPARE(none.value(u"sessions"_qs)[0][u"outcome"_qs][0][u"reason"_qs].toString(), u"undefined"_qs);
}

void TestTranscript::corpus()
{
    const QString dir = QStringLiteral(SMTPSCOPE_SOURCE_DIR "/../shared/corpus/transcripts");
    if (!QFileInfo::exists(dir))
        QSKIP("the shared transcript corpus is not available here");
    // File name prefixes as FORMATS.md names them; the parsers themselves never look at names.
    const QList<std::pair<QString, QString>> dialects {
        { u"swaks-"_qs, u"swaks"_qs },
        { u"phpmailer-"_qs, u"phpmailer"_qs },
        { u"mailkit-"_qs, u"mailkit"_qs },
        { u"smtplib-"_qs, u"smtplib"_qs },
        { u"nodemailer-"_qs, u"nodemailer"_qs },
        { u"curl-"_qs, u"curl"_qs },
        { u"javamail-"_qs, u"javamail"_qs },
        { u"exchange-"_qs, u"exchange"_qs },
        { u"postfix-maillog-"_qs, u"postfix-log"_qs },
        { u"postfix-debug-"_qs, u"postfix-debug"_qs },
        { u"exim-mainlog-"_qs, u"exim-log"_qs },
        { u"exim-v-"_qs, u"exim-debug"_qs },
        { u"exim-d-"_qs, u"exim-debug"_qs },
        { u"sendmail-maillog-"_qs, u"sendmail-log"_qs },
        { u"sendmail-v-"_qs, u"sendmail-verbose"_qs },
        { u"msmtp-"_qs, u"msmtp"_qs },
        { u"gomail-"_qs, u"gomail"_qs },
        { u"haraka-"_qs, u"haraka"_qs },
        { u"nc-"_qs, u"raw"_qs },
        { u"telnet-"_qs, u"raw"_qs },
        { u"openssl-"_qs, u"raw"_qs },
    };
    const QStringList files = QDir(dir).entryList({ u"*.txt"_qs }, QDir::Files, QDir::Name);
    int checked = 0;
    QStringList problems;
    for (const QString &file : files) {
        QString expected;
        for (const auto &[prefix, dialect] : dialects)
            if (file.startsWith(prefix))
                expected = dialect;
        if (expected.isEmpty())
            continue; // a dialect this product does not read as a conversation (KumoMTA, PowerMTA, …)
        ++checked;
        const Transcript t = TranscriptReader::read(readAll(dir + QLatin1Char('/') + file), file);
        if (t.dialect != expected) {
            problems
                << QStringLiteral("%1: detected \"%2\", expected \"%3\" (%4)").arg(file, t.dialect, expected, t.error);
            continue;
        }
        for (const UnplacedLine &u : t.unplaced)
            problems << QStringLiteral("%1:%2: unplaced: %3").arg(file).arg(u.line).arg(u.text.left(100));
        bool failing = false;
        for (const Session &s : t.sessions) {
            for (const Step &step : s.steps)
                failing = failing || step.reply.replyClass() == 4 || step.reply.replyClass() == 5;
            for (const RecipientOutcome &o : s.outcomes)
                failing = failing || o.kind != RecipientOutcome::Kind::Accepted;
        }
        if (!failing)
            problems << file + u": no failing reply found"_qs;
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    QVERIFY(checked > 0);
}

QTEST_GUILESS_MAIN(TestTranscript)
#include "tst_transcript.moc"
