// smtpscope-cli as a user runs it: a real process, real arguments, stdin and exit codes.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(QStringLiteral(SMTPSCOPE_CLI), args);
    if (!p.waitForStarted())
        return {};
    if (!input.isNull())
        p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
        QString::fromUtf8(p.readAllStandardError()) };
}

QJsonObject json(const Run &run)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
    return error.error == QJsonParseError::NoError ? doc.object() : QJsonObject();
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodeText();
    void decodeJson();
    void decodeUnquotedWords();
    void decodeStdinMultiLine();
    void decodeWithHostScope();
    void decodeNothing();
    void codesJson();
    void codesText();
    void helpAndVersion();
    void usageErrors_data();
    void usageErrors();
    void brokenRulesFile();
    void classifyJobs();
    void classifyJsonArray();
    void transcriptText();
    void classifySummary();
};

void TestCli::decodeText()
{
    const Run r = runCli({ u"decode"_qs, u"550 5.1.1 <a@b.example>: Recipient address rejected: User unknown"_qs });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(u"userunknown"_qs), qPrintable(r.out));
    QVERIFY(r.out.contains(u"hard bounce"_qs));
    QVERIFY(r.out.contains(u"5.1.1 Bad destination mailbox address"_qs));
    QVERIFY(r.out.contains(u"Evidence"_qs));
}

void TestCli::decodeJson()
{
    const Run r = runCli({ u"decode"_qs, u"--format"_qs, u"json"_qs,
        u"550 5.1.1 <a@b.example>: Recipient address rejected: User unknown"_qs });
    QCOMPARE(r.exitCode, 0);
    const QJsonObject root = json(r);
    const QJsonArray replies = root.value(u"replies"_qs).toArray();
    QCOMPARE(replies.size(), 1);
    const QJsonObject d = replies.first().toObject();
    QCOMPARE(d.value(u"reply"_qs).toObject().value(u"code"_qs).toInt(), 550);
    QCOMPARE(d.value(u"reply"_qs).toObject().value(u"status"_qs).toString(), u"5.1.1"_qs);
    QCOMPARE(d.value(u"class"_qs).toObject().value(u"class"_qs).toInt(), 5);
    QCOMPARE(d.value(u"subject"_qs).toObject().value(u"subject"_qs).toInt(), 1);
    QCOMPARE(d.value(u"detail"_qs).toObject().value(u"code"_qs).toString(), u"X.1.1"_qs);
    const QJsonObject c = d.value(u"classification"_qs).toObject();
    QCOMPARE(c.value(u"reason"_qs).toString(), u"userunknown"_qs);
    QCOMPARE(c.value(u"hard"_qs).toBool(), true);
    QCOMPARE(c.value(u"action"_qs).toString(), u"suppress"_qs);
    QCOMPARE(c.value(u"retry"_qs).toString(), u"never"_qs);
    QVERIFY(!c.value(u"evidence"_qs).toObject().value(u"summary"_qs).toString().isEmpty());
    QVERIFY(root.value(u"kb_version"_qs).toString().contains(u"+kb."_qs));
}

void TestCli::decodeUnquotedWords()
{
    const Run r = runCli({ u"decode"_qs, u"--format=json"_qs, u"452"_qs, u"4.2.2"_qs, u"Mailbox"_qs, u"full"_qs });
    QCOMPARE(r.exitCode, 0);
    const QJsonObject d = json(r).value(u"replies"_qs).toArray().first().toObject();
    QCOMPARE(d.value(u"reply"_qs).toObject().value(u"status"_qs).toString(), u"4.2.2"_qs);
    QCOMPARE(d.value(u"classification"_qs).toObject().value(u"reason"_qs).toString(), u"mailboxfull"_qs);
}

void TestCli::decodeStdinMultiLine()
{
    const QByteArray gmail = "550-5.7.26 This mail has been blocked because the sender is unauthenticated.\r\n"
                             "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\r\n"
                             "550 5.7.26 Learn more at https://support.google.com/mail/answer/81126 - gsmtp\r\n";
    const Run r = runCli({ u"decode"_qs, u"--format"_qs, u"json"_qs }, gmail);
    QCOMPARE(r.exitCode, 0);
    const QJsonArray replies = json(r).value(u"replies"_qs).toArray();
    QCOMPARE(replies.size(), 1);
    const QJsonObject d = replies.first().toObject();
    QCOMPARE(d.value(u"reply"_qs).toObject().value(u"lines"_qs).toArray(), (QJsonArray { 1, 3 }));
    QCOMPARE(d.value(u"provider"_qs).toObject().value(u"id"_qs).toString(), u"gmail"_qs);
    QCOMPARE(d.value(u"classification"_qs).toObject().value(u"reason"_qs).toString(), u"authfailure"_qs);

    const Run dash = runCli({ u"decode"_qs, u"-"_qs }, gmail);
    QCOMPARE(dash.exitCode, 0);
    QVERIFY(dash.out.contains(u"authfailure"_qs));
}

void TestCli::decodeWithHostScope()
{
    const QString deferral
        = u"421 4.7.0 Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"_qs;
    const Run without = runCli({ u"decode"_qs, u"--format"_qs, u"json"_qs, deferral });
    QVERIFY(json(without).value(u"replies"_qs).toArray().first().toObject().value(u"provider"_qs).isNull());
    const Run with
        = runCli({ u"decode"_qs, u"--format"_qs, u"json"_qs, u"--host"_qs, u"mta7.am0.yahoodns.net"_qs, deferral });
    QCOMPARE(with.exitCode, 0);
    const QJsonObject d = json(with).value(u"replies"_qs).toArray().first().toObject();
    QCOMPARE(d.value(u"provider"_qs).toObject().value(u"id"_qs).toString(), u"yahoo"_qs);
    const Run domain = runCli({ u"decode"_qs, u"--domain"_qs, u"yahoo.com"_qs, deferral });
    QVERIFY2(domain.out.contains(u"Yahoo"_qs), qPrintable(domain.out));
}

void TestCli::decodeNothing()
{
    const Run r = runCli({ u"decode"_qs, u"hello world"_qs });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(u"expected a three-digit reply code"_qs), qPrintable(r.err));
    QVERIFY(r.err.contains(u"no SMTP reply found"_qs));
}

void TestCli::codesJson()
{
    const Run r = runCli({ u"codes"_qs, u"--format"_qs, u"json"_qs });
    QCOMPARE(r.exitCode, 0);
    const QJsonObject root = json(r);
    QCOMPARE(root.value(u"reply_codes"_qs).toArray().size(), 44);
    QCOMPARE(root.value(u"enhanced_codes"_qs).toArray().size(), 81);
    QCOMPARE(root.value(u"classes"_qs).toArray().size(), 3);
    QCOMPARE(root.value(u"subjects"_qs).toArray().size(), 8);
    QVERIFY(root.value(u"rules"_qs).toArray().size() >= 150);
}

void TestCli::codesText()
{
    const Run r = runCli({ u"codes"_qs });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains(u"X.7.26"_qs));
    QVERIFY(r.out.contains(u"\n  550 "_qs));
    QVERIFY(r.out.contains(u"Knowledge base"_qs));
}

void TestCli::helpAndVersion()
{
    const Run help = runCli({ u"--help"_qs });
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains(u"decode"_qs) && help.out.contains(u"codes"_qs));
    // Every command's name stands apart from its summary, the longest one too.
    for (const QString &name : { u"decode"_qs, u"codes"_qs, u"transcript"_qs, u"classify"_qs }) {
        QVERIFY2(QRegularExpression(u"\\n  "_qs + name + u"  +\\S"_qs).match(help.out).hasMatch(), qPrintable(name));
    }
    const Run decodeHelp = runCli({ u"decode"_qs, u"--help"_qs });
    QCOMPARE(decodeHelp.exitCode, 0);
    QVERIFY(decodeHelp.out.contains(u"--host"_qs));
    const Run version = runCli({ u"--version"_qs });
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith(u"smtpscope-cli "_qs + QStringLiteral(SMTPSCOPE_VERSION)));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::addRow("no command") << QStringList() << u"Usage:"_qs;
    QTest::addRow("unknown command") << QStringList { u"frobnicate"_qs } << u"unknown command \"frobnicate\""_qs;
    QTest::addRow("unknown option") << QStringList { u"decode"_qs, u"--colour"_qs, u"550"_qs }
                                    << u"Unknown option 'colour'"_qs;
    QTest::addRow("bad format") << QStringList { u"decode"_qs, u"--format"_qs, u"xml"_qs, u"550"_qs }
                                << u"unknown format \"xml\""_qs;
    QTest::addRow("missing value") << QStringList { u"decode"_qs, u"--host"_qs } << u"Missing value after"_qs;
    QTest::addRow("codes takes no arguments") << QStringList { u"codes"_qs, u"550"_qs } << u"takes no arguments"_qs;
    QTest::addRow("no jobs") << QStringList { u"classify"_qs, u"--jobs"_qs, u"0"_qs, u"x.eml"_qs }
                             << u"--jobs wants a whole number from 1 to 256, not \"0\""_qs;
    QTest::addRow("jobs not a number") << QStringList { u"classify"_qs, u"--jobs=two"_qs, u"x.eml"_qs }
                                       << u"--jobs wants a whole number"_qs;
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestCli::brokenRulesFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"mine.json"_qs);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"format": "smtpscope-kb", "version": 1, "rules": [{"id": "mine.x", "pattern": "a(b",
        "reason": "speeding", "action": "retry-backoff", "retry": "backoff", "meaning": "m", "advice": "a"}]})");
    f.close();
    const Run r = runCli({ u"decode"_qs, u"--rules"_qs, path, u"550 5.1.1 x"_qs });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(path + u": rules (mine.x): the pattern does not compile in RE2"_qs), qPrintable(r.err));
}

void TestCli::classifyJobs()
{
    // Several jobs give the same lines in the same order as one, bad inputs (empty, tiny, binary files) included.
    const QStringList inputs = { QFINDTESTDATA("data/messages"), QFINDTESTDATA("data/bounces") };
    const Run one = runCli(QStringList { u"classify"_qs, u"--format"_qs, u"jsonl"_qs, u"--stats"_qs } + inputs);
    const Run three
        = runCli(QStringList { u"classify"_qs, u"--format"_qs, u"jsonl"_qs, u"--jobs"_qs, u"3"_qs } + inputs);
    QVERIFY(one.exitCode == 0 || one.exitCode == 1);
    QCOMPARE(three.exitCode, one.exitCode);
    QVERIFY(one.out.count(u'\n') > 20);
    QCOMPARE(three.out, one.out);
    QVERIFY(one.out.contains(u"\"note\":\"empty file\""_qs));
    QVERIFY(one.out.contains(u"\"note\":\"too short to be a message\""_qs));
    QVERIFY2(one.err.contains(u"messages/s"_qs) && one.err.contains(u"peak RSS"_qs), qPrintable(one.err));
}

void TestCli::classifyJsonArray()
{
    // --format json holds exactly the jsonl objects, in order, as one array; with nothing to report, an empty one.
    const QStringList inputs = { QFINDTESTDATA("data/bounces") };
    const Run lines = runCli(QStringList { u"classify"_qs, u"--format"_qs, u"jsonl"_qs } + inputs);
    const Run array
        = runCli(QStringList { u"classify"_qs, u"--format"_qs, u"json"_qs, u"--jobs"_qs, u"2"_qs } + inputs);
    QCOMPARE(array.exitCode, lines.exitCode);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(array.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(doc.isArray());
    const QStringList expected = lines.out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(expected.size() > 10);
    QCOMPARE(doc.array().size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QCOMPARE(doc.array().at(i).toObject(), QJsonDocument::fromJson(expected.at(i).toUtf8()).object());

    QTemporaryDir dir;
    const Run empty = runCli({ u"classify"_qs, u"--format"_qs, u"json"_qs, dir.path() });
    QCOMPARE(empty.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(empty.out.toUtf8()).array().size(), 0);
    QVERIFY(QJsonDocument::fromJson(empty.out.toUtf8()).isArray());
}

void TestCli::transcriptText()
{
    // The text output streams: the heading, each session as it completes, then the count (as many as in JSON).
    const QString file = QFINDTESTDATA("data/transcripts/exim-mainlog.txt");
    const Run text = runCli({ u"transcript"_qs, file });
    const Run json = runCli({ u"transcript"_qs, u"--format"_qs, u"json"_qs, file });
    QCOMPARE(text.exitCode, 0);
    const qsizetype sessions = QJsonDocument::fromJson(json.out.toUtf8())[u"sessions"_qs].toArray().size();
    QVERIFY(sessions >= 2);
    const QStringList lines = text.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), file + u": exim-log"_qs);
    QCOMPARE(lines.last(), file + u": %1 sessions"_qs.arg(sessions));
    for (qsizetype i = 1; i <= sessions; ++i)
        QVERIFY2(text.out.contains(u"\nSession %1  "_qs.arg(i)), qPrintable(text.out));
    QVERIFY(!text.out.contains(u"\nSession %1  "_qs.arg(sessions + 1)));
    QVERIFY(text.out.contains(u"userunknown, hard"_qs));

    // --summary counts every recipient outcome of the JSON, on stderr so that stdout stays one JSON document.
    const Run counted = runCli({ u"transcript"_qs, u"--format"_qs, u"json"_qs, u"--summary"_qs, file });
    QCOMPARE(counted.out, json.out);
    qsizetype outcomes = 0;
    for (const QJsonValue &session : QJsonDocument::fromJson(json.out.toUtf8())[u"sessions"_qs].toArray())
        outcomes += session[u"outcome"_qs].toArray().size();
    QVERIFY(outcomes >= 3);
    QVERIFY2(counted.err.contains(u"Summary: %1 sessions, %2 results"_qs.arg(sessions).arg(outcomes)),
        qPrintable(counted.err));

    const Run bad = runCli({ u"transcript"_qs, QFINDTESTDATA("data/messages") + u"/nonexistent.txt"_qs });
    QCOMPARE(bad.exitCode, 1);
    QVERIFY(bad.out.isEmpty());
}

void TestCli::classifySummary()
{
    // --summary counts exactly the results printed: by reason, and by receiver; stdout keeps only jsonl.
    const QString bounces = QFINDTESTDATA("data/bounces");
    const Run lines = runCli({ u"classify"_qs, u"--format"_qs, u"jsonl"_qs, u"--summary"_qs, bounces });
    QCOMPARE(lines.exitCode, 0);
    QHash<QString, int> reasons;
    int results = 0;
    int failed = 0;
    for (const QString &line : lines.out.split(u'\n', Qt::SkipEmptyParts)) {
        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
        QVERIFY2(!o.isEmpty(), qPrintable(line)); // nothing but jsonl on stdout
        if (!o.contains(u"recipient"_qs))
            continue;
        ++results;
        failed += o[u"action"_qs].toString() == u"failed"_qs;
        ++reasons[o[u"reason"_qs].toString()];
    }
    QVERIFY(results > 20 && reasons.size() > 5);
    QVERIFY2(lines.err.contains(u" %1 results (%2 failed"_qs.arg(results).arg(failed)), qPrintable(lines.err));
    for (auto it = reasons.cbegin(); it != reasons.cend(); ++it) {
        const QRegularExpression row(u"\\n%1 +%2 "_qs.arg(QRegularExpression::escape(it.key())).arg(it.value()));
        QVERIFY2(row.match(lines.err).hasMatch(), qPrintable(it.key() + u"\n"_qs + lines.err));
    }
    QVERIFY(lines.err.contains(u"RECEIVER"_qs));
    // The extra keys that tie a result to the sent message.
    QVERIFY(lines.out.contains(u"\"original_message_id\":\"<"_qs));
    QVERIFY(QRegularExpression(u"\"last_attempt\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\""_qs)
                .match(lines.out)
                .hasMatch());

    const Run table
        = runCli({ u"classify"_qs, u"--format"_qs, u"table"_qs, u"--summary"_qs, u"--jobs"_qs, u"2"_qs, bounces });
    QVERIFY2(table.out.contains(u" %1 results (%2 failed"_qs.arg(results).arg(failed)), qPrintable(table.out));
    QVERIFY(table.err.isEmpty());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
