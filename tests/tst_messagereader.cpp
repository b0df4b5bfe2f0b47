// Message reading: containers (mbox, Maildir, folders, stdin), line ends, the MIME walk, charsets and
// transfer encodings, and the limits that keep hostile input harmless.
#include "bounce/mboxreader.h"
#include "bounce/messageparser.h"
#include "bounce/messagesource.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

using namespace smtpscope::core;
using Headers = QList<QPair<QString, QString>>;

namespace {

QString fixture(const QString &name)
{
    return QFINDTESTDATA(QStringLiteral("data/messages/") + name);
}

QList<RawMessage> readAll(const QStringList &paths)
{
    MessageSource source(paths);
    QList<RawMessage> messages;
    RawMessage message;
    while (source.next(message))
        messages.append(message);
    return messages;
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QMap<QString, QByteArray> checksums(const QString &folder)
{
    QMap<QString, QByteArray> sums;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        if (file.open(QIODevice::ReadOnly))
            hash.addData(&file);
        sums.insert(path, hash.result().toHex());
    }
    return sums;
}

// A figure of /proc/self/status in MB: "VmHWM" (peak resident set size) or "VmRSS".
double memoryMb(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field) && line.indexOf(':') == qsizetype(std::strlen(field)))
            return line.mid(line.indexOf(':') + 1).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return -1;
}

// Starts measuring the peak resident set size afresh (Linux: writing 5 to clear_refs resets VmHWM).
bool resetPeakRss()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

// The mbox rules, written the obvious way over a whole buffer, to check the streaming reader against.
QList<QByteArray> splitMboxSimply(QByteArray raw)
{
    raw.replace("\r\n", "\n");
    raw.replace('\r', '\n');
    QList<QByteArray> messages;
    QByteArray current;
    bool started = false;
    qsizetype pos = 0;
    while (pos < raw.size()) {
        qsizetype end = raw.indexOf('\n', pos);
        end = end < 0 ? raw.size() : end + 1;
        QByteArray line = raw.mid(pos, end - pos);
        pos = end;
        static const QRegularExpression fromLine(
            QStringLiteral("^From (\"[^\"]*\"\\S*|\\S+) +(Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
                           "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\\d{1,2} "
                           "\\d\\d:\\d\\d(:\\d\\d)? .*\\b(19[7-9]\\d|2[01]\\d\\d)\\b"));
        const bool afterBlank = current.isEmpty() || current == "\n" || current.endsWith("\n\n");
        if (line.startsWith("From ")
            && (!started || (afterBlank && !QByteArray(current).replace('\n', "").endsWith(':')))
            && fromLine.match(QString::fromLatin1(line)).hasMatch()) {
            if (started)
                messages.append(current);
            current.clear();
            started = true;
            continue;
        }
        qsizetype run = 0;
        while (run < line.size() && line.at(run) == '>')
            ++run;
        if (run > 0 && line.mid(run).startsWith("From "))
            line.remove(0, 1);
        current += line;
    }
    if (started)
        messages.append(current);
    for (QByteArray &message : messages) {
        if (message.endsWith("\n\n"))
            message.chop(1);
    }
    return messages;
}

// A sequential device that hands out its data a few bytes at a time, to put every chunk boundary
// (a CR before its LF, "From " split in two, a run of '>') to the test.
class TrickleDevice : public QIODevice
{
public:
    TrickleDevice(QByteArray data, quint32 seed)
        : m_data(std::move(data))
        , m_random(seed)
    { }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = std::min<qint64>({ maxSize, m_data.size() - m_pos, m_random.bounded(1, 8) });
        std::memcpy(data, m_data.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_pos = 0;
    QRandomGenerator m_random;
};

QList<QByteArray> readMbox(QIODevice *device)
{
    MboxReader reader(device);
    QList<QByteArray> messages;
    if (!reader.startsLikeMbox())
        return messages;
    QByteArray message;
    while (reader.nextMessage(message))
        messages.append(message);
    return messages;
}

// Fragments of MIME that, put together at random, reach the parsers' corners that pure noise does not.
QList<QByteArray> mimeFragments()
{
    return { "Content-Type: multipart/mixed; boundary=\"a\"\n",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n",
        "Content-Type: message/rfc822\n", "Content-Type: message/delivery-status\n",
        "Content-Type: text/rfc822-headers\n", "Content-Type: text/html; charset=iso-2022-jp\n",
        "Content-Type: text/plain; charset=x-bogus\n", "Content-Type: multipart/alternative\n",
        "Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n",
        "Content-Disposition: attachment; filename=\"=?utf-8?b?w6k=?=\"\n", "Subject: =?utf-8?q?caf=C3=A9?=\n",
        "Subject: =?shift_jis?b?gqA=?=\n", "\n", "\r\n", "\r", "--a\n", "--a--\n", "--b\n", "--b--\n", "=3D=\n",
        "QUJD\n", "<p>&amp;</p>\n", " folded\n", "\t\n", QByteArray(1, '\0'), "\x1b$B", "From x\n", ">From y\n",
        "Status: 5.1.1\n", "Final-Recipient: rfc822; a@example.com\n",
        // Lines in a header that are no field: a fold that lost its indentation, words, a name spaced from its
        // colon, an empty name.
        "boundary=\"a\"\n", " boundary=\"b\"\n", "nocolon\n", "two words: x\n", "Subject : spaced\n", ": empty\n",
        "X-Empty:\n", "----\n", "caf\xc3\xa9 x\n" };
}

// Asserts that two parses of one message are the same, field by field.
void compareParses(const ParsedMessage &fast, const ParsedMessage &gmime, const QByteArray &input)
{
    const QByteArray context = "input: " + input.left(300).toPercentEncoding(" \n:;=\"/<>@-.");
    QVERIFY2(fast.headers == gmime.headers, context.constData());
    QVERIFY2(fast.note == gmime.note,
        qPrintable(fast.note + u" | "_qs + gmime.note + u"\n"_qs + QString::fromLatin1(context)));
    QVERIFY2(fast.parts.size() == gmime.parts.size(), context.constData());
    for (qsizetype i = 0; i < fast.parts.size(); ++i) {
        const MimePart &a = fast.parts.at(i);
        const MimePart &b = gmime.parts.at(i);
        QVERIFY2(a.contentType == b.contentType && a.charset == b.charset && a.fileName == b.fileName
                && a.depth == b.depth && a.parent == b.parent && a.size == b.size && a.attachment == b.attachment
                && a.decoded == b.decoded,
            context.constData());
        QVERIFY2(a.headers == b.headers, context.constData());
        QVERIFY2(a.text == b.text, qPrintable(a.text.left(200) + u" | "_qs + b.text.left(200)));
        QVERIFY2(a.messageHeaders == b.messageHeaders, context.constData());
    }
}

// Every structural invariant a ParsedMessage must keep, whatever the input.
void checkInvariants(const ParsedMessage &message)
{
    for (qsizetype i = 0; i < message.parts.size(); ++i) {
        const MimePart &part = message.parts.at(i);
        QVERIFY(part.depth >= 0 && part.depth <= MessageParser::maxDepth);
        QVERIFY(part.parent < i);
        if (part.parent < 0) {
            QCOMPARE(part.depth, 0);
        } else {
            QCOMPARE(part.depth, message.parts.at(part.parent).depth + 1);
        }
        QVERIFY(part.text.isEmpty() || part.decoded);
        QVERIFY(part.contentType.contains(QLatin1Char('/')));
        QCOMPARE(part.contentType, part.contentType.toLower());
    }
}

const Headers dsnHeaders = {
    { u"Return-Path"_qs, u"<>"_qs },
    { u"Received"_qs,
        u"from mx.example.com (mx.example.com [192.0.2.25])\tby mail.example.org (Postfix) with ESMTP id "
        "4F2A1C0012\tfor <sender@example.org>; Mon,  3 Jun 2024 10:15:02 +0200 (CEST)"_qs },
    { u"Date"_qs, u"Mon,  3 Jun 2024 10:15:02 +0200 (CEST)"_qs },
    { u"From"_qs, u"MAILER-DAEMON@mail.example.org (Mail Delivery System)"_qs },
    { u"Subject"_qs, u"Undelivered Mail Returned to Sender"_qs },
    { u"To"_qs, u"sender@example.org"_qs },
    { u"Auto-Submitted"_qs, u"auto-replied"_qs },
    { u"MIME-Version"_qs, u"1.0"_qs },
    { u"Content-Type"_qs,
        u"multipart/report; report-type=delivery-status;\tboundary=\"4F2A1C0012.1717402502/mail.example.org\""_qs },
    { u"Message-Id"_qs, u"<20240603081502.5B3C1C0013@mail.example.org>"_qs },
};

const QString dsnNotification = u"This is the mail system at host mail.example.org.\n\n"
                                "<nobody@example.net>: host mx.example.net[198.51.100.7] said: 550 5.1.1\n"
                                "    <nobody@example.net>: Recipient address rejected: User unknown (in reply\n"
                                "    to RCPT TO command)\n"_qs;

const QString dsnDeliveryStatus = u"Reporting-MTA: dns; mail.example.org\n"
                                  "Arrival-Date: Mon,  3 Jun 2024 10:15:01 +0200 (CEST)\n\n"
                                  "Final-Recipient: rfc822; nobody@example.net\n"
                                  "Action: failed\n"
                                  "Status: 5.1.1\n"
                                  "Remote-MTA: dns; mx.example.net\n"
                                  "Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address\n"
                                  "    rejected: User unknown\n"_qs;

const Headers dsnReturnedHeaders = {
    { u"Return-Path"_qs, u"<sender@example.org>"_qs },
    { u"Message-ID"_qs, u"<orig-1@example.org>"_qs },
    { u"Date"_qs, u"Mon, 3 Jun 2024 10:15:00 +0200"_qs },
    { u"From"_qs, u"Sender <sender@example.org>"_qs },
    { u"To"_qs, u"nobody@example.net"_qs },
    { u"Subject"_qs, u"Quarterly résumé"_qs },
    { u"MIME-Version"_qs, u"1.0"_qs },
    { u"Content-Type"_qs, u"text/plain; charset=utf-8"_qs },
};

} // namespace

class TestMessageReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void singleFile();
    void lineEnds_data();
    void lineEnds();
    void mbox();
    void mboxStreamingMatchesSimpleSplit_data();
    void mboxStreamingMatchesSimpleSplit();
    void mboxLongLines();
    void maildir();
    void hiddenEntriesSkipped();
    void plainFolder();
    void tinyFiles_data();
    void tinyFiles();
    void unreadable();
    void stdinMbox();
    void stdinMessage();

    void dsnStructure();
    void charsets();
    void textCharsets_data();
    void textCharsets();
    void transferEncodings();
    void htmlToText_data();
    void htmlToText();
    void truncatedMultipart();
    void unterminatedBoundary();
    void forwardedReport();
    void globalReport();
    void malformedMultiparts_data();
    void malformedMultiparts();
    void multipartRecovery();
    void quotedFromLine();
    void fromLines_data();
    void fromLines();
    void deepMessageNesting();
    void deepMultipartNesting();
    void hundredMegabyteHeaderLine();
    void longPartHeader();
    void binaryGarbage();
    void randomMime();
    void fastPathMatchesGMime();
    void headerBlockLines();
    void largeUnclosedNesting();
    void concurrentParsing();

private:
    QString m_dataDir;
    QMap<QString, QByteArray> m_checksums;
};

void TestMessageReader::initTestCase()
{
    m_dataDir = QFileInfo(fixture(u"dsn.eml"_qs)).absolutePath();
    QVERIFY(!m_dataDir.isEmpty());
    m_checksums = checksums(m_dataDir);
    QVERIFY(m_checksums.size() >= 20);
}

void TestMessageReader::cleanupTestCase()
{
    // Reading never modifies an input.
    QCOMPARE(checksums(m_dataDir), m_checksums);
}

void TestMessageReader::singleFile()
{
    const QString path = fixture(u"dsn.eml"_qs);
    const QList<RawMessage> messages = readAll({ path });
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).source, path);
    QCOMPARE(messages.at(0).index, 1);
    QCOMPARE(messages.at(0).bytes, fileBytes(path));
    QCOMPARE(messages.at(0).note, QString());
    QVERIFY(!messages.at(0).unreadable);
}

void TestMessageReader::lineEnds_data()
{
    QTest::addColumn<QString>("file");
    QTest::addRow("LF") << u"dsn.eml"_qs;
    QTest::addRow("CRLF") << u"dsn-crlf.eml"_qs;
    QTest::addRow("CR only") << u"dsn-cr.eml"_qs;
}

void TestMessageReader::lineEnds()
{
    QFETCH(QString, file);
    const QByteArray lf = fileBytes(fixture(u"dsn.eml"_qs));
    const QList<RawMessage> messages = readAll({ fixture(file) });
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).bytes, lf);

    // The parser normalises by itself too, for bytes that did not come through a MessageSource.
    const ParsedMessage direct = MessageParser::parse(fileBytes(fixture(file)));
    const ParsedMessage viaSource = MessageParser::parse(messages.at(0));
    for (const ParsedMessage &parsed : { direct, viaSource }) {
        QCOMPARE(parsed.headers, dsnHeaders);
        QCOMPARE(parsed.parts.size(), 5);
        QCOMPARE(parsed.parts.at(1).text, dsnNotification);
        QCOMPARE(parsed.parts.at(2).text, dsnDeliveryStatus);
        QCOMPARE(parsed.parts.at(3).messageHeaders, dsnReturnedHeaders);
        QCOMPARE(parsed.note, QString());
    }
}

void TestMessageReader::mbox()
{
    const QString path = fixture(u"mbox-3"_qs);
    const QList<RawMessage> messages = readAll({ path });
    QCOMPARE(messages.size(), 3);
    const QList<QByteArray> expected = {
        "From: MAILER-DAEMON@mail.example.org\nTo: sender@example.org\nSubject: first\n\n"
        "From the desk of the postmaster: one escaped line.\n"
        ">From here, a twice-escaped line.\n"
        "> From is not escaped here.\n",
        "From: postmaster@example.net\nTo: sender@example.org\nSubject: second\n\nSecond body.\n",
        "From: postmaster@example.com\nTo: sender@example.org\nSubject: third\n\nThird body, last line.\n",
    };
    const QStringList subjects = { u"first"_qs, u"second"_qs, u"third"_qs };
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(messages.at(i).source, path);
        QCOMPARE(messages.at(i).index, i + 1);
        QCOMPARE(messages.at(i).bytes, expected.at(i));
        QCOMPARE(messages.at(i).note, QString());
        const ParsedMessage parsed = MessageParser::parse(messages.at(i));
        QCOMPARE(parsed.source, path);
        QCOMPARE(parsed.index, i + 1);
        QCOMPARE(parsed.byteSize, expected.at(i).size());
        QCOMPARE(parsed.header(u"subject"), subjects.at(i));
        QCOMPARE(parsed.header(u"X-Missing"), QString());
        QCOMPARE(parsed.parts.size(), 1);
        QCOMPARE(parsed.parts.at(0).contentType, u"text/plain"_qs);
    }
    QCOMPARE(MessageParser::parse(messages.at(0)).parts.at(0).text,
        u"From the desk of the postmaster: one escaped line.\n>From here, a twice-escaped line.\n"
        "> From is not escaped here.\n"_qs);
}

void TestMessageReader::mboxStreamingMatchesSimpleSplit_data()
{
    QTest::addColumn<QString>("lineEnd");
    QTest::addColumn<quint32>("seed");
    QTest::addRow("LF") << u"\n"_qs << 1u;
    QTest::addRow("CRLF") << u"\r\n"_qs << 2u;
    QTest::addRow("CR") << u"\r"_qs << 3u;
    QTest::addRow("CRLF again") << u"\r\n"_qs << 4u;
}

void TestMessageReader::mboxStreamingMatchesSimpleSplit()
{
    QFETCH(QString, lineEnd);
    QFETCH(quint32, seed);
    const QByteArray eol = lineEnd.toLatin1();
    QRandomGenerator random(seed);
    // Separators need an empty line before them, so some kinds come with one.
    const QList<QByteArray> lineKinds = { "Subject: x", "", "From the body, unescaped in mboxo", ">From escaped",
        ">>>From escaped thrice", "> From not escaped", "From", "body text", ">", "From MAILER-DAEMON Mon Jun 3",
        "\nFrom MAILER-DAEMON Mon Jun  3 10:00:00 2024", "From MAILER-DAEMON Mon Jun  3 10:00:00 2024",
        "Returned message:\n\nFrom sender@example.org  Sat Oct  4 08:00:07 2025",
        "\nFrom \"a b\"@example.org Tue Jun 11 23:59:59 CEST 2024" };
    QByteArray raw = "From first@example.com Mon Jun  3 10:00:00 2024" + eol;
    for (int i = 0; i < 3000; ++i) {
        QByteArray line = lineKinds.at(random.bounded(int(lineKinds.size())));
        if (random.bounded(10) == 0 && !line.contains(" 20")) // (From_ lines stay short)
            line += QByteArray(random.bounded(1, 9000), 'x'); // longer than the reader's look-ahead
        raw += line.replace("\n", eol) + eol;
    }
    const QList<QByteArray> expected = splitMboxSimply(raw);
    QVERIFY(expected.size() > 100);

    TrickleDevice trickle(raw, seed);
    QVERIFY(trickle.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
    QCOMPARE(readMbox(&trickle), expected);

    QBuffer buffer(&raw);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    QCOMPARE(readMbox(&buffer), expected);
}

void TestMessageReader::mboxLongLines()
{
    // Lines longer than the reader's 1 MB chunk, CRLF split across chunk boundaries, a From_ line at the end.
    QByteArray raw = "From a Mon Jun  3 10:00:00 2024\r\nSubject: one\r\n\r\n";
    raw += QByteArray(3 * 1024 * 1024 + 17, 'a') + "\r\n>From b\r\n\r\n";
    raw += "From b Mon Jun  3 10:00:00 2024\r\nSubject: two\r\n\r\n";
    for (int i = 0; i < 200000; ++i)
        raw += "line\r\n";
    raw += "\r\nFrom c Mon Jun  3 10:00:00 2024\r\n";
    const QList<QByteArray> expected = splitMboxSimply(raw);
    QCOMPARE(expected.size(), 3);
    QCOMPARE(expected.at(2), QByteArray());
    QBuffer buffer(&raw);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    QCOMPARE(readMbox(&buffer), expected);
}

void TestMessageReader::hiddenEntriesSkipped()
{
    // In a plain folder, hidden files and folders (.git, .DS_Store) are tools' files, not messages.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto write = [&](const QString &relative) {
        QVERIFY(QDir(dir.path()).mkpath(QFileInfo(dir.filePath(relative)).path()));
        QFile f(dir.filePath(relative));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Subject: x\n\nbody\n");
    };
    write(u"a.eml"_qs);
    write(u"sub/b.eml"_qs);
    write(u".DS_Store"_qs);
    write(u".git/objects/ab/cdef"_qs);
    write(u"sub/.hidden.eml"_qs);
    QCOMPARE(MessageSource::listFolder(dir.path()), QStringList({ u"a.eml"_qs, u"sub/b.eml"_qs }));
}

void TestMessageReader::maildir()
{
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_dataDir));
    const QStringList files = {
        u".Bounces/cur/1717400400.M5P5.mx.example.com"_qs,
        u"cur/1717400000.M1P1.mx.example.com"_qs,
        u"cur/1717400100.M2P2.mx.example.com"_qs,
        u"new/1717400200.M3P3.mx.example.com"_qs,
    };
    QCOMPARE(MessageSource::listFolder(u"maildir"_qs), files);
    const QStringList subjects = { u"subfolder"_qs, u"cur one"_qs, u"cur two"_qs, u"new one"_qs };
    for (const QString &given : { u"maildir"_qs, u"maildir/"_qs }) {
        const QList<RawMessage> messages = readAll({ given });
        QCOMPARE(messages.size(), 4); // tmp/ and the server's index files are not messages
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(messages.at(i).source, u"maildir/"_qs + files.at(i));
            QCOMPARE(messages.at(i).index, 1);
            const ParsedMessage parsed = MessageParser::parse(messages.at(i));
            QCOMPARE(parsed.header(u"Subject"), subjects.at(i));
            QCOMPARE(parsed.parts.at(0).text, u"Body of "_qs + subjects.at(i) + u".\n"_qs);
        }
    }
    QVERIFY(QDir::setCurrent(previous));
}

void TestMessageReader::plainFolder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto message = [](const char *subject) -> QByteArray {
        return QByteArray("From: a@example.com\nSubject: ") + subject + "\n\nbody\n";
    };
    QVERIFY(writeFile(dir.filePath(u"b.eml"_qs), message("b")));
    QVERIFY(writeFile(dir.filePath(u"a/z.eml"_qs), message("a/z")));
    QVERIFY(writeFile(dir.filePath(u"a/b/c.eml"_qs), message("a/b/c")));
    QVERIFY(writeFile(dir.filePath(u"a.eml"_qs), message("a")));
    QVERIFY(writeFile(dir.filePath(u"box"_qs),
        "From x Mon Jun  3 10:00:00 2024\n" + message("box 1") + "\nFrom y Mon Jun  3 10:00:00 2024\n"
            + message("box 2")));
    QVERIFY(writeFile(dir.filePath(u"empty"_qs), QByteArray()));
    QVERIFY(writeFile(dir.filePath(u"sub/md/cur/1"_qs), message("md cur")));
    QVERIFY(writeFile(dir.filePath(u"sub/md/new/2"_qs), message("md new")));
    QVERIFY(writeFile(dir.filePath(u"sub/md/tmp/3"_qs), message("md tmp")));
    QVERIFY(writeFile(dir.filePath(u"sub/md/dovecot.index"_qs), "index"));
    QVERIFY(QFile::link(dir.filePath(u"a"_qs), dir.filePath(u"sub/link-to-folder"_qs)));
    const auto before = checksums(dir.path());

    struct Expected
    {
        QString source;
        int index;
        QString subject;
        QString note;
    };
    const QString root = dir.path();
    const QList<Expected> expected = {
        { root + u"/a.eml"_qs, 1, u"a"_qs, {} },
        { root + u"/a/b/c.eml"_qs, 1, u"a/b/c"_qs, {} },
        { root + u"/a/z.eml"_qs, 1, u"a/z"_qs, {} },
        { root + u"/b.eml"_qs, 1, u"b"_qs, {} },
        { root + u"/box"_qs, 1, u"box 1"_qs, {} },
        { root + u"/box"_qs, 2, u"box 2"_qs, {} },
        { root + u"/empty"_qs, 1, {}, u"empty file"_qs },
        { root + u"/sub/md/cur/1"_qs, 1, u"md cur"_qs, {} },
        { root + u"/sub/md/new/2"_qs, 1, u"md new"_qs, {} },
    };
    const QList<RawMessage> messages = readAll({ root });
    QCOMPARE(messages.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const ParsedMessage parsed = MessageParser::parse(messages.at(i));
        QCOMPARE(parsed.source, expected.at(i).source);
        QCOMPARE(parsed.index, expected.at(i).index);
        QCOMPARE(parsed.header(u"Subject"), expected.at(i).subject);
        QCOMPARE(parsed.note, expected.at(i).note);
    }
    QCOMPARE(checksums(dir.path()), before);
}

void TestMessageReader::tinyFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("note");
    QTest::addRow("empty") << u"empty.eml"_qs << QByteArray() << u"empty file"_qs;
    QTest::addRow("1 byte") << u"size-1.eml"_qs << QByteArray("\n") << u"too short to be a message"_qs;
    QTest::addRow("2 bytes") << u"size-2.eml"_qs << QByteArray("ab") << u"too short to be a message"_qs;
    QTest::addRow("3 bytes") << u"size-3.eml"_qs << QByteArray("22\n") << u"too short to be a message"_qs;
}

void TestMessageReader::tinyFiles()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, note);
    const QList<RawMessage> messages = readAll({ fixture(file) });
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).bytes, bytes);
    QCOMPARE(messages.at(0).index, 1);
    QCOMPARE(messages.at(0).note, note);
    QVERIFY(!messages.at(0).unreadable);
    const ParsedMessage parsed = MessageParser::parse(messages.at(0));
    QCOMPARE(parsed.note, note);
    QCOMPARE(parsed.headers, Headers());
    QCOMPARE(parsed.byteSize, bytes.size());
}

void TestMessageReader::unreadable()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(u"no-such-file.eml"_qs);
    MessageSource source({ missing, fixture(u"dsn.eml"_qs) });
    RawMessage message;
    QVERIFY(source.next(message));
    QCOMPARE(message.source, missing);
    QCOMPARE(message.index, 1);
    QCOMPARE(message.note, u"cannot read: No such file or directory"_qs);
    QVERIFY(message.unreadable);
    QCOMPARE(MessageParser::parse(message).note, message.note);
    QCOMPARE(source.unreadableCount(), 1);
    QVERIFY(source.next(message)); // the next input is still read
    QCOMPARE(message.source, fixture(u"dsn.eml"_qs));
    QVERIFY(!message.unreadable);
    QVERIFY(!source.next(message));
    QCOMPARE(source.bytesRead(), fileBytes(fixture(u"dsn.eml"_qs)).size());

    if (geteuid() == 0)
        QSKIP("running as root: file permissions do not apply");
    const QString locked = dir.filePath(u"locked.eml"_qs);
    QVERIFY(writeFile(locked, "Subject: x\n\nbody\n"));
    QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
    const QList<RawMessage> messages = readAll({ locked });
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).note, u"cannot read: Permission denied"_qs);
    QVERIFY(messages.at(0).unreadable);
}

namespace {

// Runs a MessageSource on "-" with @p path as stdin.
QList<RawMessage> readStdinFrom(const QString &path)
{
    const int saved = dup(STDIN_FILENO);
    const int fd = open(QFile::encodeName(path).constData(), O_RDONLY);
    if (saved < 0 || fd < 0)
        return {};
    dup2(fd, STDIN_FILENO);
    close(fd);
    QList<RawMessage> messages = readAll({ u"-"_qs });
    dup2(saved, STDIN_FILENO);
    close(saved);
    return messages;
}

} // namespace

void TestMessageReader::stdinMbox()
{
    const QList<RawMessage> messages = readStdinFrom(fixture(u"mbox-3"_qs));
    QCOMPARE(messages.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(messages.at(i).source, u"-"_qs);
        QCOMPARE(messages.at(i).index, i + 1);
    }
    QCOMPARE(messages.at(2).bytes,
        QByteArray("From: postmaster@example.com\nTo: sender@example.org\nSubject: third\n\nThird body, last line.\n"));
}

void TestMessageReader::stdinMessage()
{
    const QList<RawMessage> messages = readStdinFrom(fixture(u"dsn-crlf.eml"_qs));
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).source, u"-"_qs);
    QCOMPARE(messages.at(0).index, 1);
    QCOMPARE(messages.at(0).bytes, fileBytes(fixture(u"dsn.eml"_qs)));
    QCOMPARE(messages.at(0).note, QString());
}

void TestMessageReader::dsnStructure()
{
    const ParsedMessage message = MessageParser::parse(readAll({ fixture(u"dsn.eml"_qs) }).value(0));
    QCOMPARE(message.source, fixture(u"dsn.eml"_qs));
    QCOMPARE(message.index, 1);
    QCOMPARE(message.byteSize, fileBytes(fixture(u"dsn.eml"_qs)).size());
    QCOMPARE(message.note, QString());
    QCOMPARE(message.headers, dsnHeaders);
    QCOMPARE(message.header(u"message-id"), u"<20240603081502.5B3C1C0013@mail.example.org>"_qs);
    checkInvariants(message);
    QCOMPARE(message.parts.size(), 5);

    const MimePart &report = message.parts.at(0);
    QCOMPARE(report.contentType, u"multipart/report"_qs);
    QCOMPARE(report.depth, 0);
    QCOMPARE(report.parent, -1);
    QCOMPARE(report.headers,
        Headers({ { u"Content-Type"_qs,
            u"multipart/report; report-type=delivery-status;\tboundary=\"4F2A1C0012.1717402502/mail.example.org\""_qs } }));
    QVERIFY(!report.decoded);
    QCOMPARE(report.text, QString());

    const MimePart &notification = message.parts.at(1);
    QCOMPARE(notification.contentType, u"text/plain"_qs);
    QCOMPARE(notification.charset, u"us-ascii"_qs);
    QCOMPARE(notification.fileName, QString());
    QCOMPARE(notification.depth, 1);
    QCOMPARE(notification.parent, 0);
    QCOMPARE(notification.headers,
        Headers({ { u"Content-Description"_qs, u"Notification"_qs },
            { u"Content-Type"_qs, u"text/plain; charset=us-ascii"_qs } }));
    QVERIFY(notification.decoded);
    QVERIFY(!notification.attachment);
    QCOMPARE(notification.text, dsnNotification);
    QCOMPARE(notification.size, dsnNotification.size());

    const MimePart &status = message.parts.at(2);
    QCOMPARE(status.contentType, u"message/delivery-status"_qs);
    QCOMPARE(status.charset, QString());
    QCOMPARE(status.depth, 1);
    QCOMPARE(status.parent, 0);
    QCOMPARE(status.headers,
        Headers({ { u"Content-Description"_qs, u"Delivery report"_qs },
            { u"Content-Type"_qs, u"message/delivery-status"_qs } }));
    QVERIFY(status.decoded);
    QCOMPARE(status.text, dsnDeliveryStatus);

    const MimePart &returned = message.parts.at(3);
    QCOMPARE(returned.contentType, u"message/rfc822"_qs);
    QCOMPARE(returned.depth, 1);
    QCOMPARE(returned.parent, 0);
    QCOMPARE(returned.headers,
        Headers({ { u"Content-Description"_qs, u"Undelivered Message"_qs },
            { u"Content-Type"_qs, u"message/rfc822"_qs } }));
    QCOMPARE(returned.messageHeaders, dsnReturnedHeaders);
    QVERIFY(returned.decoded);
    QCOMPARE(returned.text,
        u"Return-Path: <sender@example.org>\nMessage-ID: <orig-1@example.org>\nDate: Mon, 3 Jun 2024 10:15:00 +0200\n"
        "From: Sender <sender@example.org>\nTo: nobody@example.net\nSubject: Quarterly résumé\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"_qs);

    // The returned message's body is listed but never decoded.
    const MimePart &returnedBody = message.parts.at(4);
    QCOMPARE(returnedBody.contentType, u"text/plain"_qs);
    QCOMPARE(returnedBody.charset, u"utf-8"_qs);
    QCOMPARE(returnedBody.depth, 2);
    QCOMPARE(returnedBody.parent, 3);
    QCOMPARE(returnedBody.headers, Headers({ { u"Content-Type"_qs, u"text/plain; charset=utf-8"_qs } }));
    QVERIFY(!returnedBody.decoded);
    QCOMPARE(returnedBody.text, QString());
    QCOMPARE(returnedBody.size, 0);
}

void TestMessageReader::charsets()
{
    const ParsedMessage message = MessageParser::parse(readAll({ fixture(u"charsets.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.headers,
        Headers({ { u"From"_qs, u"Système de messagerie <mailer-daemon@example.jp>"_qs },
            { u"To"_qs, u"sender@example.org"_qs }, { u"Subject"_qs, u"配信不能のお知らせ"_qs },
            { u"MIME-Version"_qs, u"1.0"_qs }, { u"Content-Type"_qs, u"multipart/mixed; boundary=\"cs\""_qs } }));
    QCOMPARE(message.parts.size(), 4);
    QCOMPARE(message.parts.at(0).contentType, u"multipart/mixed"_qs);

    const MimePart &shiftJis = message.parts.at(1);
    QCOMPARE(shiftJis.contentType, u"text/plain"_qs);
    QCOMPARE(shiftJis.charset, u"Shift_JIS"_qs);
    QCOMPARE(shiftJis.text, u"宛先のメールアドレスが見つかりません。"_qs);
    QCOMPARE(shiftJis.size, 38);

    const MimePart &gb2312 = message.parts.at(2);
    QCOMPARE(gb2312.charset, u"GB2312"_qs);
    QCOMPARE(gb2312.text, u"退信通知：收件人不存在。\n"_qs);

    const MimePart &unknown = message.parts.at(3);
    QCOMPARE(unknown.charset, u"x-no-such-charset"_qs);
    QCOMPARE(unknown.text, u"café fermé"_qs);
    QCOMPARE(message.note, u"unknown charset \"x-no-such-charset\" in text/plain part: read as Latin-1"_qs);
    for (const MimePart &part : message.parts) {
        QCOMPARE(part.depth, part.parent + 1);
    }
}

void TestMessageReader::textCharsets_data()
{
    QTest::addColumn<QByteArray>("charset");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("note");
    QTest::addRow("Microsoft's UTF-7 name")
        << QByteArray("unicode-1-1-utf-7") << QByteArray("caf+AOk-") << u"café"_qs << QString();
    QTest::addRow("UTF-8, invalid byte") << QByteArray("utf-8") << QByteArray("a\xff b") << u"a\uFFFD b"_qs
                                         << QString();
    QTest::addRow("US-ASCII holding UTF-8")
        << QByteArray("us-ascii") << QByteArray("caf\xc3\xa9") << u"café"_qs << QString();
    QTest::addRow("US-ASCII holding Latin-1")
        << QByteArray("us-ascii") << QByteArray("caf\xe9") << u"café"_qs << QString();
    QTest::addRow("no charset") << QByteArray() << QByteArray("plain") << u"plain"_qs << QString();
    QTest::addRow("windows-1252") << QByteArray("windows-1252") << QByteArray("\x93quoted\x94 \x80")
                                  << u"\u201Cquoted\u201D \u20AC"_qs << QString();
    QTest::addRow("ISO-2022-JP") << QByteArray("iso-2022-jp") << QByteArray("\x1b$B%a!<%k\x1b(B ok") << u"メール ok"_qs
                                 << QString();
    QTest::addRow("Shift_JIS, invalid byte")
        << QByteArray("shift_jis") << QByteArray("\x83\x81\xff!") << u"メ\uFFFD!"_qs << QString();
    // ASCII bytes are not always themselves: text of ASCII bytes only is taken as it is only where the charset
    // reads each of them so.
    QTest::addRow("Shift_JIS, ASCII bytes read as yen and overline")
        << QByteArray("shift_jis") << QByteArray("C:\\dir ~x") << u"C:\u00A5dir \u203Ex"_qs << QString();
    QTest::addRow("UTF-16, ASCII bytes") << QByteArray("utf-16") << QByteArray("ab") << u"\u6261"_qs << QString();
    QTest::addRow("UTF-7, plain ASCII") << QByteArray("utf-7") << QByteArray("a - b") << u"a - b"_qs << QString();
    QTest::addRow("UTF-7, a byte it has no place for")
        << QByteArray("utf-7") << QByteArray("a\\b") << u"a\uFFFDb"_qs << QString();
    QTest::addRow("ISO-8859-2, plain ASCII")
        << QByteArray("iso-8859-2") << QByteArray("550 user unknown") << u"550 user unknown"_qs << QString();
    // ISO-2022 is 7-bit: 8-bit bytes under its label are text in another charset of the family.
    const auto readAs = [](const char *label, const char *charset) {
        return u"text/plain part labelled \"%1\" holds 8-bit bytes, which that charset never has: read as %2"_qs.arg(
            QLatin1StringView(label), QLatin1StringView(charset));
    };
    QTest::addRow("ISO-2022-JP label on EUC-JP")
        << QByteArray("ISO-2022-JP") << QByteArray("\xa5\xe1\xa1\xbc\xa5\xeb ok") << u"メール ok"_qs
        << readAs("iso-2022-jp", "EUC-JP");
    QTest::addRow("ISO-2022-JP label on Shift_JIS")
        << QByteArray("iso-2022-jp") << QByteArray("\x83\x81\x81\x5b\x83\x8b") << u"メール"_qs
        << readAs("iso-2022-jp", "CP932");
    QTest::addRow("ISO-2022-JP label on UTF-8")
        << QByteArray("iso-2022-jp") << QByteArray("\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab") << u"メール"_qs
        << readAs("iso-2022-jp", "UTF-8");
    QTest::addRow("ISO-2022-KR label on EUC-KR")
        << QByteArray("iso-2022-kr") << QByteArray("\xc7\xd1") << u"한"_qs << readAs("iso-2022-kr", "EUC-KR");
    // (0xFF is in no charset of the family: the label stays, the byte is marked.)
    QTest::addRow("ISO-2022-JP label, no charset takes the bytes")
        << QByteArray("iso-2022-jp") << QByteArray("a\xff") << u"a\uFFFD"_qs << QString();
    QTest::addRow("unknown") << QByteArray("x-klingon") << QByteArray("\xe9") << u"é"_qs
                             << u"unknown charset \"x-klingon\" in text/plain part: read as Latin-1"_qs;
}

void TestMessageReader::textCharsets()
{
    QFETCH(QByteArray, charset);
    QFETCH(QByteArray, body);
    QFETCH(QString, text);
    QFETCH(QString, note);
    QByteArray bytes = "Subject: charset\nContent-Type: text/plain";
    if (!charset.isEmpty())
        bytes += "; charset=\"" + charset + '"';
    bytes += "\n\n" + body;
    const ParsedMessage message = MessageParser::parse(bytes);
    QCOMPARE(message.parts.size(), 1);
    QCOMPARE(message.parts.at(0).charset, QString::fromLatin1(charset));
    QCOMPARE(message.parts.at(0).text, text);
    QCOMPARE(message.parts.at(0).size, body.size());
    QCOMPARE(message.note, note);
}

void TestMessageReader::transferEncodings()
{
    const ParsedMessage message = MessageParser::parse(readAll({ fixture(u"encodings.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.note, QString());
    QCOMPARE(message.header(u"Subject"), u"Delivery failure"_qs);
    QCOMPARE(message.parts.size(), 6);
    const QStringList types = { u"multipart/mixed"_qs, u"multipart/alternative"_qs, u"text/plain"_qs, u"text/html"_qs,
        u"application/pdf"_qs, u"text/plain"_qs };
    const QList<int> depths = { 0, 1, 2, 2, 1, 1 };
    const QList<int> parents = { -1, 0, 1, 1, 0, 0 };
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(message.parts.at(i).contentType, types.at(i));
        QCOMPARE(message.parts.at(i).depth, depths.at(i));
        QCOMPARE(message.parts.at(i).parent, parents.at(i));
    }

    const MimePart &quotedPrintable = message.parts.at(2);
    QCOMPARE(quotedPrintable.headers,
        Headers({ { u"Content-Type"_qs, u"text/plain; charset=utf-8"_qs },
            { u"Content-Transfer-Encoding"_qs, u"quoted-printable"_qs } }));
    QCOMPARE(quotedPrintable.text,
        u"Your message to nobody@example.net was not delivered: the mailbox is full and cannot accept new "
        "messages at this time, please retry later. Résumé."_qs);

    const MimePart &html = message.parts.at(3);
    QCOMPARE(html.charset, u"utf-8"_qs);
    QVERIFY(html.decoded);
    // The markup is kept; its words are one call away.
    QVERIFY(html.text.contains(u"<p>"_qs));
    QCOMPARE(MessageParser::htmlToText(html.text),
        u"Failure\n\nDelivery to nobody@example.net failed.\n\nReply: 550 5.2.2 mailbox <full> & over quota"_qs);

    // Attachments are listed, never decoded.
    const MimePart &pdf = message.parts.at(4);
    QCOMPARE(pdf.fileName, u"report.pdf"_qs);
    QVERIFY(pdf.attachment);
    QVERIFY(!pdf.decoded);
    QCOMPARE(pdf.text, QString());
    const MimePart &log = message.parts.at(5);
    QCOMPARE(log.fileName, u"smtp.log"_qs);
    QCOMPARE(log.charset, u"us-ascii"_qs);
    QVERIFY(log.attachment);
    QVERIFY(!log.decoded);
    QCOMPARE(log.text, QString());
}

void TestMessageReader::htmlToText_data()
{
    QTest::addColumn<QString>("html");
    QTest::addColumn<QString>("text");
    QTest::addRow("plain") << u"no markup"_qs << u"no markup"_qs;
    QTest::addRow("blocks") << u"<p>one</p><p>two<br>three</p>"_qs << u"one\n\ntwo\nthree"_qs;
    QTest::addRow("inline") << u"a<b>b</b>c <i>d</i>"_qs << u"a b c d"_qs;
    QTest::addRow("entities") << u"&lt;a@b&gt; &amp; &quot;q&quot; &#233;&#xE9; &unknown;"_qs
                              << u"<a@b> & \"q\" éé &unknown;"_qs;
    QTest::addRow("script") << u"x<SCRIPT>if (a < b) {}</script>y"_qs << u"xy"_qs;
    QTest::addRow("comment") << u"x<!-- <p>hidden</p> -->y"_qs << u"xy"_qs;
    QTest::addRow("unclosed tag") << u"text <b"_qs << u"text"_qs;
    QTest::addRow("unclosed comment") << u"text <!-- forever"_qs << u"text"_qs;
    QTest::addRow("blank runs") << u"  a \t b\n\n\n\nc  "_qs << u"a b\n\nc"_qs;
    QTest::addRow("bad numeric entity") << u"&#xD800;&#99999999;"_qs << u"&#xD800;&#99999999;"_qs;
    QTest::addRow("empty") << QString() << QString();
}

void TestMessageReader::htmlToText()
{
    QFETCH(QString, html);
    QFETCH(QString, text);
    QCOMPARE(MessageParser::htmlToText(html), text);
}

void TestMessageReader::truncatedMultipart()
{
    const ParsedMessage message = MessageParser::parse(readAll({ fixture(u"truncated-multipart.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.note, u"multipart/report ends without its closing boundary: truncated or malformed"_qs);
    QCOMPARE(message.header(u"Subject"), u"Undelivered Mail Returned to Sender"_qs);
    QCOMPARE(message.parts.size(), 3);
    QCOMPARE(message.parts.at(0).contentType, u"multipart/report"_qs);
    QCOMPARE(message.parts.at(1).contentType, u"text/plain"_qs);
    QCOMPARE(message.parts.at(1).text, u"Delivery to <nobody@example.net> failed.\n"_qs);
    QCOMPARE(message.parts.at(2).contentType, u"message/delivery-status"_qs);
    QCOMPARE(message.parts.at(2).text,
        u"Reporting-MTA: dns; mail.example.org\n\nFinal-Recipient: rfc822; nobody@example.net\nAction: failed\n"
        "Status: 5.1"_qs);
}

void TestMessageReader::unterminatedBoundary()
{
    const ParsedMessage message = MessageParser::parse(readAll({ fixture(u"unterminated-boundary.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.note, u"multipart/report ends without its closing boundary: truncated or malformed"_qs);
    QCOMPARE(message.parts.size(), 4);
    QCOMPARE(message.parts.at(1).text, u"Delivery to <nobody@example.net> failed permanently.\n"_qs);
    QCOMPARE(message.parts.at(2).contentType, u"message/delivery-status"_qs);
    QCOMPARE(message.parts.at(2).text,
        u"Reporting-MTA: dns; mail.example.org\n\nFinal-Recipient: rfc822; nobody@example.net\nAction: failed\n"
        "Status: 5.1.1\n"_qs);
    const MimePart &headers = message.parts.at(3);
    QCOMPARE(headers.contentType, u"text/rfc822-headers"_qs);
    QCOMPARE(headers.depth, 1);
    QVERIFY(headers.decoded);
    QCOMPARE(headers.text,
        u"Message-ID: <orig-2@example.org>\nFrom: Sender <sender@example.org>\nTo: nobody@example.net\n"
        "Subject: =?ISO-8859-1?Q?Caf=E9?= order\n confirmation\n"_qs);
    QCOMPARE(headers.messageHeaders,
        Headers({ { u"Message-ID"_qs, u"<orig-2@example.org>"_qs }, { u"From"_qs, u"Sender <sender@example.org>"_qs },
            { u"To"_qs, u"nobody@example.net"_qs }, { u"Subject"_qs, u"Café order confirmation"_qs } }));
}

void TestMessageReader::forwardedReport()
{
    // A bounce forwarded as an attachment is read like a bounce; the message it returns is not.
    const ParsedMessage message = MessageParser::parse(readAll({ fixture(u"forwarded-dsn.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.note, QString());
    QCOMPARE(message.parts.size(), 8);
    const QStringList types = { u"multipart/mixed"_qs, u"text/plain"_qs, u"message/rfc822"_qs, u"multipart/report"_qs,
        u"text/plain"_qs, u"message/delivery-status"_qs, u"message/rfc822"_qs, u"text/plain"_qs };
    const QList<int> parents = { -1, 0, 0, 2, 3, 3, 3, 6 };
    const QList<bool> decoded = { false, true, true, false, true, true, true, false };
    for (int i = 0; i < 8; ++i) {
        QCOMPARE(message.parts.at(i).contentType, types.at(i));
        QCOMPARE(message.parts.at(i).parent, parents.at(i));
        QCOMPARE(message.parts.at(i).decoded, decoded.at(i));
    }
    QCOMPARE(message.parts.at(1).text, u"Please have a look at the attached bounce.\n"_qs);
    QCOMPARE(message.parts.at(2).messageHeaders.value(2), qMakePair(u"Subject"_qs, u"Mail delivery failed"_qs));
    QCOMPARE(message.parts.at(4).text, u"Your message could not be delivered.\n"_qs);
    QCOMPARE(message.parts.at(5).text,
        u"Reporting-MTA: dns; mail.example.org\n\nFinal-Recipient: rfc822; nobody@example.net\nAction: failed\n"
        "Status: 5.1.1\n"_qs);
    QCOMPARE(message.parts.at(6).messageHeaders,
        Headers({ { u"From"_qs, u"customer@example.com"_qs }, { u"To"_qs, u"nobody@example.net"_qs },
            { u"Subject"_qs, u"order 42"_qs }, { u"Message-ID"_qs, u"<orig-3@example.com>"_qs } }));
    QCOMPARE(message.parts.at(7).text, QString());
}

void TestMessageReader::globalReport()
{
    // RFC 6533: the global report types are UTF-8, and message/global encloses a message like message/rfc822.
    const ParsedMessage message = MessageParser::parse(readAll({ fixture(u"global-dsn.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.note, QString());
    QCOMPARE(message.parts.size(), 5);
    QCOMPARE(message.parts.at(1).contentType, u"message/global-delivery-status"_qs);
    QCOMPARE(message.parts.at(1).text,
        u"Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; dé@example.com\nAction: failed\n"
        "Status: 5.1.1\n"_qs);
    QCOMPARE(message.parts.at(2).contentType, u"message/global-headers"_qs);
    QCOMPARE(message.parts.at(2).messageHeaders,
        Headers({ { u"Subject"_qs, u"résumé"_qs }, { u"Message-ID"_qs, u"<g@example.com>"_qs } }));
    QCOMPARE(message.parts.at(3).contentType, u"message/global"_qs);
    QCOMPARE(message.parts.at(3).messageHeaders,
        Headers({ { u"Subject"_qs, u"café"_qs }, { u"From"_qs, u"b@example.com"_qs } }));
    QCOMPARE(message.parts.at(4).contentType, u"text/plain"_qs);
    QCOMPARE(message.parts.at(4).parent, 3);
    QVERIFY(!message.parts.at(4).decoded);
}

void TestMessageReader::malformedMultiparts_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("types");
    QTest::addColumn<QString>("note");
    QTest::addColumn<QString>("lastText"); // the text of the last part
    QTest::addRow("no boundary parameter")
        << QByteArray("Subject: x\nContent-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nhello\n--x--\n")
        << QStringList { u"multipart/mixed"_qs, u"text/plain"_qs }
        << u"multipart/mixed without a boundary parameter: parts split at the \"--x\" lines of the body"_qs
        << u"hello"_qs;
    QTest::addRow("boundary never used") << QByteArray(
        "Subject: x\nContent-Type: multipart/mixed; boundary=\"zz\"\n\n--x\n\nhello\n")
                                         << QStringList { u"multipart/mixed"_qs, u"text/plain"_qs }
                                         << u"multipart/mixed has no parts: its body is read as text"_qs
                                         << u"--x\n\nhello\n"_qs;
    QTest::addRow("another boundary used")
        << QByteArray("Subject: x\nContent-Type: multipart/report; boundary=\"a1\"\n\npreamble\n--a2\n"
                      "Content-Type: text/plain\n\nfirst\n--a2\nContent-Type: message/delivery-status\n\n"
                      "Status: 5.1.1\n--a2--\n")
        << QStringList { u"multipart/report"_qs, u"text/plain"_qs, u"message/delivery-status"_qs }
        << u"multipart/report has no parts: parts split at the \"--a2\" lines of the body"_qs << u"Status: 5.1.1"_qs;
    QTest::addRow("no parts, plain text")
        << QByteArray("Subject: x\nContent-Type: multipart/report; boundary=\"r\"\n\n<a@example.net>: 550 unknown\n")
        << QStringList { u"multipart/report"_qs, u"text/plain"_qs }
        << u"multipart/report has no parts: its body is read as text"_qs << u"<a@example.net>: 550 unknown\n"_qs;
    QTest::addRow("inner multipart not closed")
        << QByteArray("Subject: x\nContent-Type: multipart/mixed; boundary=\"o\"\n\n--o\n"
                      "Content-Type: multipart/alternative; boundary=\"i\"\n\n--i\nContent-Type: text/plain\n\ninner\n"
                      "--o\nContent-Type: text/plain\n\nouter\n--o--\n")
        << QStringList { u"multipart/mixed"_qs, u"multipart/alternative"_qs, u"text/plain"_qs, u"text/plain"_qs }
        << u"multipart/alternative ends without its closing boundary: truncated or malformed"_qs << u"outer"_qs;
    QTest::addRow("headers only") << QByteArray("Subject: x\nContent-Type: multipart/report; boundary=\"r\"\n")
                                  << QStringList { u"multipart/report"_qs } << u"multipart/report has no parts"_qs
                                  << QString();
}

void TestMessageReader::malformedMultiparts()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, types);
    QFETCH(QString, note);
    QFETCH(QString, lastText);
    const ParsedMessage message = MessageParser::parse(bytes);
    checkInvariants(message);
    QStringList actualTypes;
    for (const MimePart &part : message.parts)
        actualTypes.append(part.contentType);
    QCOMPARE(actualTypes, types);
    QCOMPARE(message.note, note);
    QCOMPARE(message.parts.last().text, lastText);
}

void TestMessageReader::multipartRecovery()
{
    // An inner multipart whose boundary parameter is not folded into its Content-Type field.
    ParsedMessage message = MessageParser::parse(readAll({ fixture(u"multipart-no-boundary.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.parts.size(), 3);
    QCOMPARE(message.parts.at(1).contentType, u"multipart/alternative"_qs);
    QCOMPARE(message.parts.at(2).contentType, u"text/plain"_qs);
    QCOMPARE(message.parts.at(2).parent, 1);
    QCOMPARE(message.parts.at(2).text,
        u"Error: no such user\n\nThe message to nobody@example.net was refused:\n550 5.1.1 User unknown"_qs);
    QVERIFY(message.note.startsWith(u"multipart/alternative without a boundary parameter"_qs));

    // A report whose parts use another boundary than the one declared.
    message = MessageParser::parse(readAll({ fixture(u"multipart-wrong-boundary.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.parts.size(), 3);
    QCOMPARE(message.parts.at(1).text, u"Your message to nobody@example.net could not be delivered.\n"_qs);
    QCOMPARE(message.parts.at(2).contentType, u"message/delivery-status"_qs);
    QVERIFY(message.parts.at(2).text.contains(u"Final-Recipient: rfc822; nobody@example.net\nAction: failed\n"_qs));

    // A report without any part: its body is the text to read.
    message = MessageParser::parse(readAll({ fixture(u"multipart-as-text.eml"_qs) }).value(0));
    checkInvariants(message);
    QCOMPARE(message.parts.size(), 2);
    QCOMPARE(message.parts.at(1).contentType, u"text/plain"_qs);
    QVERIFY(message.parts.at(1).decoded);
    QVERIFY(message.parts.at(1).text.contains(u"<nobody@example.net>\n    (reason: 550 5.1.1 User unknown)"_qs));
    QCOMPARE(message.note, u"multipart/report has no parts: its body is read as text"_qs);
}

void TestMessageReader::quotedFromLine()
{
    // A bounce that quotes the returned message with its From_ line is one message, not two.
    const QList<RawMessage> messages = readAll({ fixture(u"quoted-from-line.eml"_qs) });
    QCOMPARE(messages.size(), 1);
    QVERIFY(messages.at(0).bytes.startsWith("From: postmaster@mail.example.net\n"));
    QVERIFY(messages.at(0).bytes.contains("\nbounced message:\n\nFrom sender@example.org  Mon Jun  3 10:15:07 2024\n"));

    // The same lines after a text that does not announce a quotation do separate two messages.
    QByteArray mbox = readAll({ fixture(u"quoted-from-line.eml"_qs) }).value(0).bytes;
    mbox.replace("bounced message:", "Regards.");
    mbox.prepend("From MAILER-DAEMON  Mon Jun  3 10:15:09 2024\n");
    QBuffer buffer(&mbox);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    const QList<QByteArray> split = readMbox(&buffer);
    QCOMPARE(split.size(), 2);
    QVERIFY(split.at(1).startsWith("Date: Mon, 3 Jun 2024 10:15:03 +0200\n"));
}

void TestMessageReader::fromLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("fromLine");
    QTest::addRow("asctime") << QByteArray("From MAILER-DAEMON Mon Jun  3 10:15:02 2024\n") << true;
    QTest::addRow("two spaces, no seconds") << QByteArray("From a@example.org  Sat Oct  4 08:00 2025") << true;
    QTest::addRow("zone before year") << QByteArray("From a@b Tue Jun 11 23:59:59 CEST 2024\r\n") << true;
    QTest::addRow("zone after year") << QByteArray("From a@b Tue Jun 11 23:59:59 2024 +0200") << true;
    QTest::addRow("RFC 5322 date") << QByteArray("From a@b Mon, 3 Jun 2024 10:15:02 +0200") << true;
    QTest::addRow("quoted sender") << QByteArray("From \"a b\"@example.org Mon Jun  3 10:15:02 2024") << true;
    QTest::addRow("prose") << QByteArray("From the desk of the postmaster: hello") << false;
    QTest::addRow("no time") << QByteArray("From MAILER-DAEMON Mon Jun 3") << false;
    QTest::addRow("bad month") << QByteArray("From a@b Mon Foo  3 10:15:02 2024") << false;
    QTest::addRow("bad hour") << QByteArray("From a@b Mon Jun  3 25:15:02 2024") << false;
    QTest::addRow("no year") << QByteArray("From a@b Mon Jun  3 10:15:02") << false;
    QTest::addRow("header field") << QByteArray("From: a@b Mon Jun  3 10:15:02 2024") << false;
    QTest::addRow("no sender") << QByteArray("From  ") << false;
}

void TestMessageReader::fromLines()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, fromLine);
    QCOMPARE(MboxReader::isFromLine(line.constData(), line.size()), fromLine);
}

void TestMessageReader::deepMessageNesting()
{
    QByteArray bytes;
    for (int i = 0; i < 1000; ++i)
        bytes += "Subject: level " + QByteArray::number(i) + "\nContent-Type: message/rfc822\n\n";
    bytes += "Subject: bottom\n\nhello\n";
    QElapsedTimer timer;
    timer.start();
    const ParsedMessage message = MessageParser::parse(bytes, u"nested"_qs, 1);
    QVERIFY2(timer.elapsed() < 10000, "deep nesting must not take long");
    checkInvariants(message);
    QCOMPARE(message.header(u"Subject"), u"level 0"_qs);
    QCOMPARE(message.parts.size(), MessageParser::maxDepth + 1);
    for (int depth = 0; depth <= MessageParser::maxDepth; ++depth) {
        const MimePart &part = message.parts.at(depth);
        QCOMPARE(part.contentType, u"message/rfc822"_qs);
        QCOMPARE(part.depth, depth);
        QCOMPARE(part.parent, depth - 1);
        QCOMPARE(part.messageHeaders.value(0).second, u"level "_qs + QString::number(depth + 1));
    }
    QCOMPARE(message.note, u"MIME nesting deeper than 100 levels: the parts below were skipped"_qs);
}

void TestMessageReader::deepMultipartNesting()
{
    QByteArray bytes = "Subject: nested multiparts\n";
    for (int i = 0; i < 1000; ++i)
        bytes += "Content-Type: multipart/mixed; boundary=\"b" + QByteArray::number(i) + "\"\n\n--b"
            + QByteArray::number(i) + "\n";
    bytes += "Content-Type: text/plain\n\nhello\n";
    for (int i = 999; i >= 0; --i)
        bytes += "--b" + QByteArray::number(i) + "--\n";
    const ParsedMessage message = MessageParser::parse(bytes);
    checkInvariants(message);
    QCOMPARE(message.parts.size(), MessageParser::maxDepth + 1);
    QCOMPARE(message.parts.last().contentType, u"multipart/mixed"_qs);
    QCOMPARE(message.parts.last().depth, MessageParser::maxDepth);
    QCOMPARE(message.note, u"MIME nesting deeper than 100 levels: the parts below were skipped"_qs);
}

void TestMessageReader::hundredMegabyteHeaderLine()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"long-header.eml"_qs);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("From: a@example.com\nSubject: ");
        const QByteArray chunk(1024 * 1024, 'x');
        for (int i = 0; i < 100; ++i)
            QCOMPARE(file.write(chunk), chunk.size());
        file.write("\nTo: b@example.org\nContent-Type: text/plain\n\nbody text\n");
    }
    const bool peakReset = resetPeakRss();
    const double rssBefore = memoryMb("VmRSS");
    QElapsedTimer timer;
    timer.start();
    MessageSource source({ path });
    RawMessage raw;
    QVERIFY(source.next(raw));
    QCOMPARE(raw.bytes.size(), QFileInfo(path).size());
    QVERIFY(raw.bytes.size() > 100 * 1024 * 1024);
    const ParsedMessage message = MessageParser::parse(raw);
    raw = RawMessage();
    QVERIFY(!source.next(raw));
    const double peakGrowth = memoryMb("VmHWM") - rssBefore;
    qDebug(
        "100 MB header line: %lld ms, peak RSS grew by %.0f MB", static_cast<long long>(timer.elapsed()), peakGrowth);
    checkInvariants(message);
    QCOMPARE(message.note, u"header field longer than 1 MB cut"_qs);
    QCOMPARE(message.headers.size(), 4);
    QCOMPARE(message.header(u"From"), u"a@example.com"_qs);
    QCOMPARE(message.header(u"Subject"), QString(MessageParser::maxHeaderLength - 9, u'x'));
    QCOMPARE(message.header(u"To"), u"b@example.org"_qs);
    QCOMPARE(message.parts.size(), 1);
    QCOMPARE(message.parts.at(0).text, u"body text\n"_qs);
    // About one copy of the message (more under AddressSanitizer, which keeps freed memory in quarantine);
    // GMime given the whole field would take some 700 MB and seconds.
    if (peakReset)
        QVERIFY2(peakGrowth < 400, "reading a 100 MB header line must not take more than a copy or two of it");
}

void TestMessageReader::longPartHeader()
{
    QByteArray bytes = "Subject: long part header\nContent-Type: multipart/mixed; boundary=\"LP\"\n\n--LP\n"
                       "Content-Description: ";
    bytes += QByteArray(2 * 1024 * 1024, 'd');
    bytes += "\n\tstill the same field\nContent-Type: text/plain\n\npart body\n--LP--\n";
    const ParsedMessage message = MessageParser::parse(bytes);
    checkInvariants(message);
    QCOMPARE(message.note, u"header field longer than 1 MB cut"_qs);
    QCOMPARE(message.parts.size(), 2);
    const MimePart &part = message.parts.at(1);
    QCOMPARE(part.contentType, u"text/plain"_qs);
    QCOMPARE(part.headers.size(), 2);
    QCOMPARE(part.headers.at(0).second.size(), MessageParser::maxHeaderLength - 21);
    QCOMPARE(part.text, u"part body"_qs);
}

void TestMessageReader::binaryGarbage()
{
    const QList<RawMessage> messages = readAll({ fixture(u"garbage.bin"_qs) });
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).note, QString());
    const ParsedMessage fixed = MessageParser::parse(messages.at(0));
    checkInvariants(fixed);
    QCOMPARE(fixed.note, u"not a message: no header found"_qs);
    QCOMPARE(fixed.parts.size(), 0);

    QRandomGenerator random(20240603);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 300; ++i) {
        QByteArray bytes(random.bounded(0, 20000), Qt::Uninitialized);
        for (char &c : bytes)
            c = char(random.bounded(256));
        if (i % 3 == 0)
            bytes.prepend("From garbage\n");
        const ParsedMessage message = MessageParser::parse(bytes);
        checkInvariants(message);
        if (QTest::currentTestFailed())
            return;
        QBuffer buffer(&bytes);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        const QList<QByteArray> split = readMbox(&buffer);
        QCOMPARE(split, splitMboxSimply(bytes.startsWith("From ") ? bytes : QByteArray()));
    }
    QVERIFY2(timer.elapsed() < 60000, "garbage must not take long");
}

void TestMessageReader::randomMime()
{
    // Fragments of MIME put together at random reach the parser's corners that pure noise does not.
    const QList<QByteArray> fragments = mimeFragments();
    QRandomGenerator random(42);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 2000; ++i) {
        QByteArray bytes;
        const int count = random.bounded(1, 80);
        for (int j = 0; j < count; ++j)
            bytes += fragments.at(random.bounded(int(fragments.size())));
        const ParsedMessage message = MessageParser::parse(bytes);
        checkInvariants(message);
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY2(timer.elapsed() < 60000, "random MIME must not take long");
}

// A random, mostly well-formed bounce: what the fast path reads itself.
QByteArray randomBounce(QRandomGenerator &random, int depth = 0)
{
    auto pick = [&random](const QList<QByteArray> &choices) { return choices.at(random.bounded(int(choices.size()))); };
    QByteArray headers = pick({ "Subject: Undelivered Mail\n", "Subject: =?utf-8?q?caf=C3=A9?= returned\n",
        "Subject: =?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=\n", "Subject: folded\n value\n", "X-Empty:\n",
        "Subject: caf\xc3\xa9 in raw UTF-8\n", "Subject: caf\xe9 in raw Latin-1\n",
        "X-Note: \x93q\x94 =?utf-8?q?=C3=A9?=\n" });
    // Sometimes a line that is no field, which GMime drops with its continuation lines.
    headers += pick({ QByteArray(), QByteArray(), QByteArray(), "this is no field\n",
        "Received from nowhere\n  continued\n", "nocolon\n" });
    headers += pick({ "From: MAILER-DAEMON@example.org\n", "From: \"Mail System\" <postmaster@example.net>\n" });
    const int kind = depth > 3 ? 0 : random.bounded(6);
    const QByteArray boundary = "b" + QByteArray::number(depth) + pick({ "", "=_x", ".1717/host" });
    switch (kind) {
    case 0: {
        headers += pick({ QByteArray(), "Content-Type: text/plain\n", "Content-Type: text/plain; charset=us-ascii\n",
            "Content-Type: text/plain; charset=\"iso-8859-1\"\n", "Content-Type: text/html; charset=utf-8\n",
            "Content-Type: text/plain; charset=x-unknown\n", "Content-Type: application/octet-stream; name=a.bin\n" });
        const QByteArray body = pick({ "550 5.1.1 <a@example.com>: user unknown\n", "caf=C3=A9 =\nsoft break\n",
            "NTUwIHVua25vd24K\n", "<p>550 &amp; more</p>\n", "", "line\n\n\nlast" });
        if (body.contains("=C3") && random.bounded(2))
            headers += "Content-Transfer-Encoding: quoted-printable\n";
        else if (body.startsWith("NTUw"))
            headers += "Content-Transfer-Encoding: base64\n";
        if (random.bounded(4) == 0)
            headers += "Content-Disposition: attachment; filename=\"r.txt\"\n";
        return headers + "\n" + body;
    }
    case 1:
    case 2:
    case 3: {
        headers += "Content-Type: "
            + pick({ QByteArray("multipart/report; report-type=delivery-status"), QByteArray("multipart/mixed"),
                QByteArray("multipart/alternative") })
            + pick({ QByteArray(";\n\t"), QByteArray(";\n\t"), QByteArray(";\n\t"), QByteArray(";\n") }) + "boundary=\""
            + boundary + "\"\n\n";
        QByteArray body = pick({ QByteArray(), "This is a MIME message.\n\n" });
        const int parts = random.bounded(1, 4);
        // Sometimes the body's delimiter lines are not the declared boundary (a relay rewrote one of them).
        const QByteArray used = random.bounded(8) == 0 ? boundary + "x" : boundary;
        if (random.bounded(10) == 0)
            body += "--" + used + "\n"; // a delimiter line right after another delimits no part
        for (int i = 0; i < parts; ++i) {
            body += "--" + used + pick({ QByteArray(), QByteArray(" ") }) + "\n";
            const int partKind = random.bounded(4);
            if (partKind == 0)
                body += "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
                        "Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n";
            else if (partKind == 1)
                body += "Content-Type: text/rfc822-headers\n\nSubject: original\nMessage-ID: <o@example.com>\n";
            else if (partKind == 2)
                body += "Content-Type: message/rfc822\n\n"
                    + pick({ QByteArray(), QByteArray(), QByteArray("\n"), QByteArray("[a copy of the message]\n") })
                    + randomBounce(random, depth + 1);
            else
                body += randomBounce(random, depth + 1);
            body += "\n";
        }
        if (random.bounded(5) != 0)
            body += "--" + used + "--\n" + pick({ QByteArray(), "epilogue\n" });
        return headers + body;
    }
    default:
        return headers + "Content-Type: message/rfc822\n\n" + randomBounce(random, depth + 1);
    }
}

void TestMessageReader::fastPathMatchesGMime()
{
    // MessageParser reads plain MIME itself and the rest with GMime: both must give the same ParsedMessage.
    QList<QByteArray> inputs;
    QRandomGenerator random(7);
    for (int i = 0; i < 4000; ++i)
        inputs.append(randomBounce(random));
    const QList<QByteArray> fragments = mimeFragments();
    for (int i = 0; i < 3000; ++i) {
        QByteArray bytes;
        for (int j = random.bounded(1, 40); j > 0; --j)
            bytes += fragments.at(random.bounded(int(fragments.size())));
        inputs.append(bytes);
    }
    // Encoded words, 8-bit, NUL and CR bytes and field names at every offset of a line: the header is read in
    // blocks of bytes, and what straddles two blocks must be seen as well.
    for (int offset = 0; offset < 40; ++offset) {
        const QByteArray pad(offset, 'x');
        inputs.append("Subject: " + pad + " =?utf-8?q?caf=C3=A9?= x\nX-Folded: a\n " + pad + " =?utf-8?q?=C3=A9?=\n\t"
            + pad + "\n\nbody\n");
        inputs.append("Subject: " + pad + "caf\xc3\xa9\nX-Latin: " + pad + "caf\xe9\n\nbody\n");
        // (no other '=' for long after the "=?")
        inputs.append("Subject: " + pad + " =?us-ascii?q?abcdefghijklmnopqrstuvwxyz?= x\n\nbody\n");
        inputs.append("Subject: " + pad + QByteArray(1, '\0') + "x\n\nbody\n");
        inputs.append("Subject: " + pad + "\rx\n\nbody\n");
        inputs.append("Subject: x\nX-" + pad + ": v\nX-" + pad + "\xe9: w\nX-" + pad + " y: z\n\nbody\n");
    }
    // Quoted-printable of every shape: escapes in either case, soft breaks, broken escapes, "=" at the end.
    const QList<QByteArray> qp = { "=", "=3D", "=3d", "=C3=A9", "=\n", "=\r\n", "=\r", "=G1", "=4", "==41",
        "=a=", "=fF", "=e9", "a", " ", "\n", "=20\n", "\xe9", "\t", "=\n=\n" };
    for (int i = 0; i < 2000; ++i) {
        QByteArray body;
        for (int j = random.bounded(1, 30); j > 0; --j)
            body += qp.at(random.bounded(int(qp.size())));
        inputs.append("Subject: qp\nContent-Type: text/plain; charset=utf-8\n"
                      "Content-Transfer-Encoding: quoted-printable\n\n"
            + body);
    }
    // An mbox "From " line first (GMime reads such input as a message), and first lines that only look like one.
    const QList<QByteArray> firstLines = { "From MAILER-DAEMON Mon Jan  1 00:00:00 2015\n", "From \n", "FROM x\n",
        "From\tx\n", "From\n", "Fromage x\n", "From x\nFrom y\n", "From x\n\n", "From x", "From x\n continued\n",
        "From x\nno field\n", "From x\nSubject : spaced\n", ">From x\n", "From x\n--b0\n" };
    for (int i = 0; i < 1000; ++i)
        inputs.append(firstLines.at(random.bounded(int(firstLines.size()))) + randomBounce(random));
    for (const QByteArray &first : firstLines)
        inputs.append(first);
    // message/rfc822 parts without content: GMime reads a message (without fields) only where the part's header
    // ends with an empty line and a delimiter line follows.
    const QByteArray mixed = "Subject: empty\nContent-Type: multipart/mixed; boundary=a\n\n--a\n";
    const QByteArray inner = "Content-Type: multipart/mixed; boundary=b\n\n--b\n";
    const QByteArray rfc822 = "Content-Type: message/rfc822\n";
    for (const QByteArray &end : { QByteArray(), QByteArray("\n"), QByteArray("\n\n"), QByteArray("--a--\n"),
             QByteArray("\n--a--\n"), QByteArray("\n\n--a--\n"), QByteArray("\n--a\n\nx\n--a--\n"),
             QByteArray("\n\n--a\nContent-Type: text/plain\n\nx\n--a--\n") }) {
        inputs.append(mixed + rfc822 + end);
        inputs.append(mixed + inner + rfc822 + end);
        inputs.append(mixed + rfc822 + "\n" + rfc822 + end);
        inputs.append(mixed + rfc822 + "Content-Transfer-Encoding: 7bit\n" + end);
        inputs.append(rfc822 + end);
    }
    // message/partial and message/external-body are GMime parts of classes of their own, walked as leaves;
    // message/news is read as a message.
    for (const QByteArray &type : { QByteArray("message/partial; id=\"x@y\"; number=1; total=2"),
             QByteArray("message/external-body; access-type=local-file; name=f"), QByteArray("Message/Partial"),
             QByteArray("message/news") }) {
        for (const QByteArray &disposition :
            { QByteArray(), QByteArray("Content-Disposition: attachment; filename=p.txt\n") }) {
            inputs.append(mixed + "Content-Type: " + type + "\n" + disposition + "\nSubject: x\n\nbody\n--a--\n");
            inputs.append("Content-Type: " + type + "\n" + disposition + "\nSubject: x\n\nbody\n");
        }
    }
    QStringList paths = { m_dataDir, QFileInfo(m_dataDir + u"/../bounces"_qs).absoluteFilePath() };
    const QString corpus = QFileInfo(m_dataDir + u"/../../../../shared/corpus/bounces"_qs).absoluteFilePath();
    if (QFileInfo(corpus).isDir())
        paths.append(corpus); // the shared corpus, when this checkout sits next to it
    MessageSource source(paths);
    RawMessage raw;
    while (source.next(raw))
        inputs.append(raw.bytes);
    QVERIFY(inputs.size() > 7000);
    for (const QByteArray &input : std::as_const(inputs)) {
        compareParses(MessageParser::parse(input), MessageParser::parseWithGMime(input), input);
        if (QTest::currentTestFailed())
            return;
    }
}

void TestMessageReader::headerBlockLines()
{
    // A header block that arrives as text: folded fields, a line that is no field between a field and its
    // continuation line, a name spaced from its colon, encoded words, and the empty line that ends the block.
    const QByteArray bytes = "Subject: headers\nContent-Type: text/rfc822-headers\n\n"
                             "Subject: a\n folded\nnocolon\n\tafter\nX-Name : v\nX-Enc: =?utf-8?q?caf=C3=A9?=\n\n"
                             "Body: no\n";
    const ParsedMessage message = MessageParser::parse(bytes);
    QCOMPARE(message.parts.size(), 1);
    const Headers expected
        = { { u"Subject"_qs, u"a folded\tafter"_qs }, { u"X-Name"_qs, u"v"_qs }, { u"X-Enc"_qs, u"café"_qs } };
    QCOMPARE(message.parts.at(0).messageHeaders, expected);
    QCOMPARE(MessageParser::parseWithGMime(bytes).parts.at(0).messageHeaders, expected);
}

void TestMessageReader::largeUnclosedNesting()
{
    // Nested multiparts that never close around a large body: read once per level at most, with the note.
    QByteArray bytes = "Subject: unclosed\n";
    for (int i = 0; i < 11; ++i)
        bytes += "Content-Type: multipart/mixed; boundary=\"n" + QByteArray::number(i) + "\"\n\n--n"
            + QByteArray::number(i) + "\n";
    bytes += "Content-Type: text/plain\n\n";
    const QByteArray line = "550 5.1.1 <a@example.com>: user unknown, said the server once more\n";
    while (bytes.size() < 6 * 1024 * 1024) // below the 8 MB a text part keeps
        bytes += line;
    QElapsedTimer timer;
    timer.start();
    const ParsedMessage message = MessageParser::parse(bytes);
    QVERIFY2(timer.elapsed() < 30000, "must not take long");
    checkInvariants(message);
    QCOMPARE(message.parts.size(), 12);
    QCOMPARE(message.parts.last().contentType, u"text/plain"_qs);
    QVERIFY(message.parts.last().text.startsWith(QString::fromLatin1(line)));
    QCOMPARE(message.note, u"multipart/mixed ends without its closing boundary: truncated or malformed"_qs);
    compareParses(message, MessageParser::parseWithGMime(bytes), bytes);
}

void TestMessageReader::concurrentParsing()
{
    // Messages parsed on two threads at once come out as they do on one.
    QList<QByteArray> inputs;
    for (const QString &name : { u"dsn.eml"_qs, u"charsets.eml"_qs, u"encodings.eml"_qs, u"forwarded-dsn.eml"_qs,
             u"unterminated-boundary.eml"_qs })
        inputs.append(fileBytes(fixture(name)));
    QList<ParsedMessage> expected;
    for (const QByteArray &input : std::as_const(inputs))
        expected.append(MessageParser::parse(input));

    auto work = [&inputs, &expected](bool *ok) {
        *ok = true;
        for (int round = 0; round < 200; ++round) {
            for (qsizetype i = 0; i < inputs.size(); ++i) {
                const ParsedMessage parsed = MessageParser::parse(inputs.at(i));
                const ParsedMessage &want = expected.at(i);
                if (parsed.headers != want.headers || parsed.note != want.note
                    || parsed.parts.size() != want.parts.size()) {
                    *ok = false;
                    return;
                }
                for (qsizetype p = 0; p < want.parts.size(); ++p) {
                    if (parsed.parts.at(p).text != want.parts.at(p).text
                        || parsed.parts.at(p).messageHeaders != want.parts.at(p).messageHeaders) {
                        *ok = false;
                        return;
                    }
                }
            }
        }
    };
    bool ok1 = false;
    bool ok2 = false;
    std::unique_ptr<QThread> first(QThread::create(work, &ok1));
    std::unique_ptr<QThread> second(QThread::create(work, &ok2));
    first->start();
    second->start();
    QVERIFY(first->wait(120000));
    QVERIFY(second->wait(120000));
    QVERIFY(ok1);
    QVERIFY(ok2);
}

QTEST_GUILESS_MAIN(TestMessageReader)
#include "tst_messagereader.moc"
