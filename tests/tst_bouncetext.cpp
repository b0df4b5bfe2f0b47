// The bounce decoder's fast text helpers (bounce/formats/regexmatch.h, parseHeaderFields) against the Qt calls
// and the slower code they stand in for: the same answers on every input tried.
#include "bounce/formats/bounceformats.h"
#include "bounce/formats/mailtext.h"
#include "bounce/formats/regexmatch.h"
#include "bounce/formats/textscanner.h"

#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace smtpscope::core::bounce;
using namespace Qt::StringLiterals;

class TestBounceText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void equalsCiIsQtsCaseInsensitiveCompare();
    void lineEndFindsTheFirstCrOrLf();
    void surrogatesDecideTheMatchOptions();
    void matchGivesQtsResult();
    void parseHeaderFieldsKeepsTheNamedFieldsOfParseHeaderBlock_data();
    void parseHeaderFieldsKeepsTheNamedFieldsOfParseHeaderBlock();
    void parseHeaderFieldsOnFixtures();
    void findCommand_data();
    void findCommand();
    void withoutBoilerplate_data();
    void withoutBoilerplate();
    void boilerplateEndsARecipientsParagraphs();
    void inlineAddressLeavesNoEmptyQuotes();
    void findCommandIsThePcre2Expression();
    void findRemoteHost_data();
    void findRemoteHost();
    void findRemoteHostIsThePcre2Expressions();
    void replyCodeTestPassesEveryMatch();
    void unicodePatternTranslation();
    void unicodePatternsArePcre2();
};

namespace {

const QList<QLatin1StringView> kNames
    = { "status"_L1, "Message-ID"_L1, "x-postfix-queue-id"_L1, "Kind"_L1, "remote-mta"_L1, "To"_L1, "a"_L1 };

// Variants of @p s: case flipped, letters replaced by the non-ASCII letters that fold to ASCII ones or by ones
// that do not, a character dropped or added.
QStringList variants(const QString &s, QRandomGenerator &random)
{
    static const char16_t others[] = { 0x017F, 0x212A, 0x0130, 0x0131, 0x00E9, 0x00DF, 0x03A3, 0x00C5, u'-', u'_' };
    QStringList out { s, s.toUpper(), s.toLower() };
    for (int round = 0; round < 40; ++round) {
        QString v = s;
        for (qsizetype i = 0; i < v.size(); ++i) {
            const quint32 r = random.bounded(8);
            if (r == 0)
                v[i] = v[i].isUpper() ? v[i].toLower() : v[i].toUpper();
            else if (r == 1)
                v[i] = QChar(others[random.bounded(int(std::size(others)))]);
        }
        if (round % 10 == 0)
            v.chop(1);
        if (round % 10 == 1)
            v.append(u'x');
        out.append(v);
    }
    QString longS = s;
    longS.replace(u's', QChar(0x017F));
    QString kelvin = s;
    kelvin.replace(u'k', QChar(0x212A)).replace(u'K', QChar(0x212A));
    out << longS << kelvin;
    return out;
}

QString randomText(QRandomGenerator &random, qsizetype size)
{
    static const char16_t alphabet[] = { u'a', u'B', u' ', u'\n', u'\r', 0x00E9, 0xD83D, 0xDE00, 0xDC00, u':' };
    QString s;
    for (qsizetype i = 0; i < size; ++i)
        s.append(QChar(alphabet[random.bounded(int(std::size(alphabet)))]));
    return s;
}

HeaderList namedFieldsOf(const HeaderList &all, std::initializer_list<QLatin1StringView> names)
{
    HeaderList out;
    for (const auto &h : all) {
        for (QLatin1StringView name : names) {
            if (QStringView(h.first).compare(name, Qt::CaseInsensitive) == 0) {
                out.append(h);
                break;
            }
        }
    }
    return out;
}

} // namespace

void TestBounceText::equalsCiIsQtsCaseInsensitiveCompare()
{
    QRandomGenerator random(4);
    int equal = 0;
    for (QLatin1StringView name : kNames) {
        const QString asString = name.toString();
        for (const QString &v : variants(asString, random)) {
            const bool expected = QStringView(v).compare(name, Qt::CaseInsensitive) == 0;
            QCOMPARE(equalsCi(name, v), expected);
            QCOMPARE(equalsCi(QStringView(asString), v), expected);
            equal += expected ? 1 : 0;
        }
    }
    QVERIFY(equal > int(kNames.size()) * 3); // the test saw equal and unequal pairs
    // A non-ASCII name falls back to Qt's comparison.
    QVERIFY(equalsCi(u"Stra\u00dfe", u"STRA\u00dfE"));
    QVERIFY(equalsCi(u"\u00e9t\u00e9", u"\u00c9T\u00c9"));
}

void TestBounceText::lineEndFindsTheFirstCrOrLf()
{
    QRandomGenerator random(5);
    for (int round = 0; round < 2000; ++round) {
        const QString s = randomText(random, random.bounded(70));
        for (qsizetype from = 0; from <= s.size(); ++from) {
            qsizetype expected = from;
            while (expected < s.size() && s[expected] != u'\n' && s[expected] != u'\r')
                ++expected;
            QCOMPARE(lineEnd(s, from), expected);
        }
    }
}

void TestBounceText::surrogatesDecideTheMatchOptions()
{
    QRandomGenerator random(6);
    for (int round = 0; round < 3000; ++round) {
        const QString s = randomText(random, random.bounded(50));
        bool surrogate = false;
        for (QChar c : s)
            surrogate = surrogate || c.isSurrogate();
        QCOMPARE(hasSurrogate(s), surrogate);
        QCOMPARE(subjectOptions(s),
            surrogate ? QRegularExpression::NoMatchOption : QRegularExpression::DontCheckSubjectStringMatchOption);
    }
}

void TestBounceText::matchGivesQtsResult()
{
    const QRegularExpression re(u"(\\w+)@(\\w+)"_s, QRegularExpression::UseUnicodePropertiesOption);
    const QStringList subjects = { u"to a@b and c@d"_s, u"\u00e9l\u00e8ve@\u00e9cole \U0001F600 x@y"_s,
        QString(QChar(0xD800)) + u" a@b"_s, QString() };
    for (const QString &s : subjects) {
        const QRegularExpressionMatch expected = re.match(s);
        const QRegularExpressionMatch got = match(re, s);
        QCOMPARE(got.hasMatch(), expected.hasMatch());
        QCOMPARE(got.captured(0), expected.captured(0));
        QStringList all, expectedAll;
        for (auto it = globalMatch(re, QStringView(s)); it.hasNext();)
            all.append(it.next().captured(0));
        for (auto it = re.globalMatch(s); it.hasNext();)
            expectedAll.append(it.next().captured(0));
        QCOMPARE(all, expectedAll);
    }
}

void TestBounceText::parseHeaderFieldsKeepsTheNamedFieldsOfParseHeaderBlock_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << u"From: a@b\nTo: c@d\nSubject: hi\n\nbody: x\n"_s;
    QTest::newRow("mbox From line") << u"From a@b Mon Nov 23 00:00:00 2026\nSubject: s\nMessage-ID: <1@b>\n"_s;
    QTest::newRow("continuations") << u"Received: from x\n  by y\n\tfor z\nSubject: one\n two\nTo: a@b\n"_s;
    QTest::newRow("leading continuation") << u"  folded\nSubject: s\n"_s;
    QTest::newRow("no colon later") << u"Subject: s\nnot a field\nTo: a@b\n"_s;
    QTest::newRow("invalid name") << u"Subject: s\nBad Name: x\nTo: a@b\n"_s;
    QTest::newRow("non-ASCII name") << u"Subj\u00e9ct: s\nTo: a@b\n"_s;
    QTest::newRow("CR and CRLF") << u"Subject: s\r\n more\rTo: a@b\r\n\r\nFrom: late\r\n"_s;
    QTest::newRow("blank with spaces") << u"Subject: s\n \t \nTo: a@b\n"_s;
    QTest::newRow("repeated") << u"To: first\nTo: second\nsubject: lower\nSUBJECT: upper\n"_s;
    QTest::newRow("long s and kelvin") << u"\u017Fubject: s\nMe\u017F\u017Fage-ID: <1@b>\n"_s;
    QTest::newRow("empty value") << u"Subject:\nTo:   \n"_s;
    QTest::newRow("colon first") << u": x\nSubject: s\n"_s;
    QTest::newRow("empty") << QString();
}

void TestBounceText::parseHeaderFieldsKeepsTheNamedFieldsOfParseHeaderBlock()
{
    QFETCH(QString, text);
    const std::initializer_list<QLatin1StringView> names = { "Message-ID"_L1, "From"_L1, "To"_L1, "Subject"_L1 };
    QCOMPARE(parseHeaderFields(text, names), namedFieldsOf(parseHeaderBlock(splitLinesToBlank(text)), names));
}

void TestBounceText::parseHeaderFieldsOnFixtures()
{
    const QString dir = QFINDTESTDATA("data");
    QVERIFY2(!dir.isEmpty(), "tests/data not found");
    const std::initializer_list<QLatin1StringView> names
        = { "Message-ID"_L1, "From"_L1, "To"_L1, "Subject"_L1, "Date"_L1, "Content-Type"_L1, "Received"_L1 };
    int files = 0;
    int found = 0;
    for (QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories); it.hasNext();) {
        QFile file(it.next());
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(file.readAll());
        ++files;
        // Every line start: the file's own header, quoted and attached ones, and plenty of text that is not one.
        for (qsizetype start = 0, lines = 0; start >= 0 && start <= text.size() && lines < 400; ++lines) {
            const QStringView rest = QStringView(text).mid(start);
            const HeaderList got = parseHeaderFields(rest, names);
            QCOMPARE(got, namedFieldsOf(parseHeaderBlock(splitLinesToBlank(rest)), names));
            found += int(got.size());
            const qsizetype next = text.indexOf(u'\n', start);
            start = next < 0 ? -1 : next + 1;
        }
    }
    QVERIFY(files > 10);
    QVERIFY(found > files);
}

void TestBounceText::findCommand_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("command");
    QTest::addRow("postfix rcpt") << u"said: 550 5.1.1 <a@b>: User unknown (in reply to RCPT TO command)"_s
                                  << u"RCPT"_s;
    QTest::addRow("end of data") << u"said: 554 rejected (in reply to end of DATA command)"_s << u"DATA"_s;
    QTest::addRow("mail from") << u"(in reply to MAIL FROM command)"_s << u"MAIL"_s;
    QTest::addRow("mail, then punctuation") << u"550 after MAIL: sender rejected"_s << u"MAIL"_s;
    QTest::addRow("following mail is no command") << u"The following mail could not be delivered"_s << QString();
    QTest::addRow("following mail, then a command")
        << u"The following mail could not be delivered: 550 (in reply to DATA command)"_s << u"DATA"_s;
    QTest::addRow("non-ASCII before mail") << u"日本語 — following MAIL could not"_s << QString();
    QTest::addRow("non-ASCII before mail command") << u"Empfänger ä after MAIL: x"_s << u"MAIL"_s;
    QTest::addRow("qmail helo") << u"Connected to 192.0.2.1 but my name was rejected."_s << u"HELO"_s;
    QTest::addRow("qmail recipient") << u"192.0.2.1 does not like recipient.\nRemote host said: 550 no"_s << u"RCPT"_s;
    QTest::addRow("qmail sender") << u"Connected to 192.0.2.1 but sender was rejected."_s << u"MAIL"_s;
    QTest::addRow("qmail data") << u"192.0.2.1 failed after I sent the message."_s << u"DATA"_s;
    QTest::addRow("qmail greeting") << u"Connected to 192.0.2.1 but greeting failed."_s << u"CONN"_s;
    QTest::addRow("transcript") << u">>> RCPT To:<a@example.com>"_s << u"RCPT"_s;
    QTest::addRow("arrow") << u"--> DATA"_s << u"DATA"_s;
    QTest::addRow("bracket") << u"[RCPT_TO]"_s << u"RCPT"_s;
    QTest::addRow("smtp command") << u"SMTP command: EHLO"_s << u"EHLO"_s;
    QTest::addRow("initial connection") << u"during initial connection"_s << u"CONN"_s;
    QTest::addRow("connect") << u"after connect"_s << u"CONN"_s;
    QTest::addRow("starttls") << u"while sending STARTTLS"_s << u"STARTTLS"_s;
    QTest::addRow("case") << u"iN rEpLy To rcpt to cOmMaNd"_s << u"RCPT"_s;
    QTest::addRow("long s folds with s") << u"while ſending ſtarttls"_s << u"STARTTLS"_s;
    QTest::addRow("no word boundary") << u"hereafter RCPT"_s << QString();
    QTest::addRow("vertical tab is white space") << u"after\vRCPT"_s << u"RCPT"_s;
    QTest::addRow("nothing") << u"550 5.1.1 user unknown"_s << QString();
}

void TestBounceText::findCommand()
{
    QFETCH(QString, text);
    QFETCH(QString, command);
    QCOMPARE(TextScanner::findCommand(text), command);
}

void TestBounceText::withoutBoilerplate_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("left");
    QTest::addRow("nothing to drop") << u"550 5.1.1 user unknown. Try again later."_s
                                     << u"550 5.1.1 user unknown. Try again later."_s;
    QTest::addRow("after the reason")
        << u"Envelope expired. Please note that this is only a temporary failure report. The message is kept in the "
           u"queue for up to 7 days. You DO NOT NEED to re-send the message to these recipients."_s
        << u"Envelope expired."_s;
    QTest::addRow("before the reason")
        << u"This message was created automatically by mail delivery software. A message that you sent could not "
           u"be delivered to one or more of its recipients. This is a permanent error. The following address(es) "
           u"failed: mailbox is full: retry timeout exceeded"_s
        << u"mailbox is full: retry timeout exceeded"_s;
    QTest::addRow("decorations") << u"==== This is an automatically generated Delivery Status Notification. Routing: "
                                    u"Could not find a gateway"_s
                                 << u"Routing: Could not find a gateway"_s;
    QTest::addRow("a decoration run ends a sentence")
        << u"The mail system --- Delivery report unavailable --- 550 no such user"_s << u"550 no such user"_s;
    QTest::addRow("only boilerplate") << u"This is the mail system at host mx.example.org. For further assistance, "
                                         u"please send mail to postmaster."_s
                                      << QString();
    QTest::addRow("a blank line ends a sentence")
        << u"Host not found\n\nThe following recipients did not receive this message:\n\n  <a@example.net>\n"_s
        << u"Host not found <a@example.net>"_s;
    QTest::addRow("a line break alone ends none")
        << u"I'm sorry to have to inform you that your message could not\nbe delivered."_s << QString();
    QTest::addRow("quoted header fields of the original")
        << u"Your Message\n\nTo:      <a@example.net>\n\nSubject: Lunch\n\nDate:    Thu, 29 Apr 2007 23:34:45 +0000\n"_s
        << QString();
    QTest::addRow("list heading") << u"Could not be delivered to: As their mailbox is full."_s
                                  << u"As their mailbox is full."_s;
    QTest::addRow("Japanese full stop") << u"宛先が見つかりません。本メールには返信できません。"_s
                                        << u"宛先が見つかりません。"_s;
    // Only at the start of a sentence: a reason that quotes such words stays whole.
    QTest::addRow("boilerplate words inside a sentence")
        << u"Rejected because this is a permanent error on our side."_s
        << u"Rejected because this is a permanent error on our side."_s;
    QTest::addRow("a dot without space ends nothing")
        << u"Status 5.0.0.This is a permanent error."_s << u"Status 5.0.0.This is a permanent error."_s;
}

void TestBounceText::withoutBoilerplate()
{
    QFETCH(QString, text);
    QFETCH(QString, left);
    QCOMPARE(TextScanner::withoutBoilerplate(text), left);
}

void TestBounceText::boilerplateEndsARecipientsParagraphs()
{
    // OpenSMTPD: the recipient's reason, then the report's own notes; a signature after them is no reason either.
    const TextScanner::Result result = TextScanner::scan(u"A message is delayed for the following recipients:\n\n"
                                                         u"a@example.net: Network error on destination MXs\n\n"
                                                         u"    Please note that this is only a temporary failure "
                                                         u"report.\n    The message is kept in the queue.\n\n"
                                                         u"Example Mail Team\n"_s);
    QCOMPARE(result.findings.size(), 1);
    QCOMPARE(result.findings.at(0).recipient, u"a@example.net"_s);
    QCOMPARE(result.findings.at(0).diagnostic, u"Network error on destination MXs"_s);

    // A notice right below the address: the reason is read above it, without the report's own sentences.
    const TextScanner::Result above
        = TextScanner::scan(u"Delivery failed: user unknown.\n"
                            u"The following recipients did not receive this message:\n\n"
                            u"<b@example.net>\n\n"
                            u"Please do not reply to this message.\n\nExample Mail Team\n"_s);
    QCOMPARE(above.findings.size(), 1);
    QCOMPARE(above.findings.at(0).diagnostic, u"Delivery failed: user unknown."_s);
}

void TestBounceText::inlineAddressLeavesNoEmptyQuotes()
{
    // IceWarp names the recipient inside a sentence; its brackets and quotes go with it.
    const TextScanner::Result result = TextScanner::scan(
        u"Failed to deliver to '<jana@example.cz>'\nLOCAL module(account jana@example.cz) reports:\n Account is disabled\n"_s);
    QCOMPARE(result.findings.size(), 1);
    QCOMPARE(result.findings.at(0).recipient, u"jana@example.cz"_s);
    QCOMPARE(result.findings.at(0).diagnostic,
        u"Failed to deliver to LOCAL module(account jana@example.cz) reports: Account is disabled"_s);
    // Nested pairs go together; an unmatched bracket stays.
    const TextScanner::Result nested = TextScanner::scan(u"Failed to deliver to \"'<ken@example.org>'\" today\n"_s);
    QCOMPARE(nested.findings.size(), 1);
    QCOMPARE(nested.findings.at(0).diagnostic, u"Failed to deliver to today"_s);
    const TextScanner::Result unmatched = TextScanner::scan(u"Failed to deliver to '<ken@example.org>\" today\n"_s);
    QCOMPARE(unmatched.findings.size(), 1);
    QCOMPARE(unmatched.findings.at(0).diagnostic, u"Failed to deliver to '\" today"_s);
}

namespace {

// TextScanner::findCommand with its expression read by QRegularExpression (PCRE2): the reference for RE2's reading.
QString findCommandWithPcre2(QStringView text)
{
    static const QRegularExpression re = TextScanner::commandPattern().reference();
    QRegularExpressionMatch m;
    for (auto it = re.globalMatch(text); it.hasNext();) {
        m = it.next();
        if (m.captured(1).compare(u"MAIL", Qt::CaseInsensitive) == 0) {
            const QStringView after = text.mid(m.capturedEnd()).trimmed();
            if (!after.isEmpty() && !after.startsWith(u"command", Qt::CaseInsensitive)
                && after.front().isLetterOrNumber()) {
                m = QRegularExpressionMatch();
                continue;
            }
        }
        break;
    }
    if (!m.hasMatch())
        return {};
    QStringList groups;
    for (int i = 1; i <= 6; ++i)
        groups.append(m.captured(i));
    return TextScanner::commandFromGroups(groups);
}

// @p count texts of 1 to 11 pieces picked at random.
QStringList randomTexts(const QStringList &pieces, int count, quint32 seed)
{
    QRandomGenerator random(seed);
    QStringList texts;
    for (int i = 0; i < count; ++i) {
        QString text;
        for (int n = random.bounded(1, 12); n > 0; --n)
            text += pieces.at(random.bounded(int(pieces.size())));
        texts << text;
    }
    return texts;
}

} // namespace

void TestBounceText::findCommandIsThePcre2Expression()
{
    // Texts put together from the expression's words, white space of every kind, letters that fold with ASCII
    // ones, non-ASCII text and punctuation: the RE2 expression finds what the PCRE2 one found.
    const QStringList pieces = { u"after"_s, u"in reply to"_s, u"did not like our"_s, u"most progress was"_s,
        u"following"_s, u"during"_s, u"while sending"_s, u"the"_s, u"final"_s, u"RCPT"_s, u"rcpt to"_s, u"MAIL"_s,
        u"mail from"_s, u"end of data"_s, u"DATA"_s, u"initial connection"_s, u"connect"_s, u"HELO"_s, u"EHLO"_s,
        u"STARTTLS"_s, u"AUTH"_s, u"[RCPT_TO]"_s, u"[MAIL_FROM]"_s, u"[DATA]"_s, u">>>"_s, u"-->"_s, u"sent:"_s,
        u"SMTP command"_s, u"my name was rejected"_s, u"does not like recipient"_s, u"but sender was rejected"_s,
        u"failed after I sent the message"_s, u"but greeting failed"_s, u"command"_s, u" "_s, u"  "_s, u"\t"_s, u"\n"_s,
        u"\v"_s, u"\u00a0"_s, u"\u2003"_s, u":"_s, u"-"_s, u"."_s, u"x"_s, u"7"_s, u"_"_s, u"ſ"_s, u"\u212a"_s, u"ä"_s,
        u"日本"_s, u"😀"_s, u"é"_s, u"mail"_s, u"could"_s, u"550"_s };
    int found = 0;
    for (const QString &text : randomTexts(pieces, 20000, 5)) {
        const QString expected = findCommandWithPcre2(text);
        QCOMPARE(TextScanner::findCommand(text), expected);
        found += !expected.isEmpty();
    }
    QVERIFY2(found > 1000, qPrintable(QString::number(found)));
}

namespace {

// TextScanner::findRemoteHost with its expressions read by QRegularExpression (PCRE2): the reference for RE2's.
QString findRemoteHostWithPcre2(QStringView text)
{
    static const QList<QRegularExpression> patterns = [] {
        QList<QRegularExpression> out;
        for (const Re2Pattern &p : TextScanner::remoteHostPatterns())
            out.append(p.reference());
        return out;
    }();
    for (const QRegularExpression &re : patterns) {
        auto it = re.globalMatch(text);
        while (it.hasNext()) {
            const QString host = it.next().captured(1);
            if (TextScanner::isRemoteHost(host))
                return host;
        }
    }
    return {};
}

} // namespace

void TestBounceText::findRemoteHost_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addRow("host before address") << u"host mx.example.jp[192.0.2.1] said: 550"_s << u"mx.example.jp"_s;
    QTest::addRow("host: before bracket wins")
        << u"a.example.com [192.0.2.9] then host: mx.example.jp [x"_s << u"mx.example.jp"_s;
    QTest::addRow("name and address") << u"mx.example.net [192.0.2.2]: 550"_s << u"mx.example.net"_s;
    QTest::addRow("host: name") << u"host: mx.example.jp"_s << u"mx.example.jp"_s;
    QTest::addRow("tab after host:") << u"host:\tmx.example.jp"_s << u"mx.example.jp"_s;
    QTest::addRow("talking to") << u"while talking to smtp.example.org.:"_s << u"smtp.example.org"_s;
    QTest::addRow("remote host address") << u"remote host 192.0.2.3 said"_s << u"192.0.2.3"_s;
    QTest::addRow("qmail does not like") << u"192.0.2.4 does not like recipient."_s << u"192.0.2.4"_s;
    QTest::addRow("localhost skipped") << u"host localhost[127.0.0.1] then host mx.example.com [1.2.3.4]"_s
                                       << u"mx.example.com"_s;
    QTest::addRow("no dot") << u"host foo [192.0.2.1]"_s << QString();
    QTest::addRow("nothing") << u"550 5.1.1 user unknown"_s << QString();
}

void TestBounceText::findRemoteHost()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QCOMPARE(TextScanner::findRemoteHost(text), host);
    QCOMPARE(findRemoteHostWithPcre2(text), host);
}

void TestBounceText::findRemoteHostIsThePcre2Expressions()
{
    const QStringList pieces = { u"host"_s, u"Host:"_s, u"talking to"_s, u"server"_s, u"MX"_s, u"remote host"_s,
        u"does not like"_s, u"mx.example.com"_s, u"mx1.example.co.jp."_s, u"localhost"_s, u"relay.local"_s,
        u"127.0.0.1"_s, u"192.0.2.25"_s, u"2001:db8::1"_s, u"[192.0.2.25]"_s, u"["_s, u"]"_s, u"<"_s, u":"_s, u" "_s,
        u"  "_s, u"\t"_s, u"\n"_s, u"\v"_s, u"\u00a0"_s, u"."_s, u"-"_s, u"e.g."_s, u"x"_s, u"ſ"_s, u"\u212a"_s, u"ä"_s,
        u"日本"_s, u"😀"_s, u"said:"_s, u"550"_s };
    int found = 0;
    for (const QString &text : randomTexts(pieces, 20000, 9)) {
        const QString expected = findRemoteHostWithPcre2(text);
        QCOMPARE(TextScanner::findRemoteHost(text), expected);
        found += !expected.isEmpty();
    }
    QVERIFY2(found > 400, qPrintable(QString::number(found)));
}

void TestBounceText::unicodePatternTranslation()
{
    QCOMPARE(Re2Pattern::translate(R"(a\s+b)", Re2Pattern::NoOption),
        QByteArray(R"((?i)a[\t\n\v\f\r\x{85}\x{180e}\p{Z}]+b)"));
    QCOMPARE(Re2Pattern::translate(R"([:\s]x\S)", Re2Pattern::NoOption),
        QByteArray(R"((?i)[:\t\n\v\f\r\x{85}\x{180e}\p{Z}]x[^\t\n\v\f\r\x{85}\x{180e}\p{Z}])"));
    QCOMPARE(Re2Pattern::translate(R"(\bon\b)", Re2Pattern::Multiline),
        QByteArray(R"((?im)(?:^|[^\p{L}\p{N}_])on(?:$|[^\p{L}\p{N}_]))"));
    QCOMPARE(
        Re2Pattern::translate(R"(@\w+[\d.]*)", Re2Pattern::NoOption), QByteArray(R"((?i)@[\p{L}\p{N}_]+[\p{Nd}.]*)"));
    // Without Unicode properties: PCRE2's ASCII classes (with \v, which RE2's \s lacks) and RE2's own \b.
    QCOMPARE(Re2Pattern::translate(R"(\bhost[:\s]+\d\w)", Re2Pattern::AsciiClasses),
        QByteArray(R"((?i)\bhost[:\t\n\v\f\r ]+[0-9][A-Za-z0-9_])"));
    QCOMPARE(Re2Pattern::translate(R"(x\s)", Re2Pattern::AsciiClasses | Re2Pattern::CaseSensitive),
        QByteArray(R"(x[\t\n\v\f\r ])"));
    QVERIFY(Re2Pattern("a|b").isValid());
}

void TestBounceText::unicodePatternsArePcre2()
{
    // Every expression of bounceformats.cpp against QRegularExpression reading the same source with Unicode
    // properties: texts put together from the expressions' own words, white space of every kind, letters next
    // to the words, and the bounce fixtures. Whether they match, where the original's boundary starts, and the
    // groups reportingHost() reads.
    const BounceSignals &sig = BounceSignals::instance();
    QList<QPair<const Re2Pattern *, bool>> patterns = { { &sig.sender(), false }, { &sig.subject(), false },
        { &sig.body(), false }, { &sig.originalBoundary(), true }, { &sig.delay(), false }, { &sig.permanent(), false },
        { &sig.autoReplySubject(), false }, { &BounceSignals::reportingHostPattern(), false } };
    for (const auto &marker : BounceSignals::formatMarkers())
        patterns.append({ marker.second, false });

    const QStringList separators = { u" "_s, u" "_s, u" "_s, u"  "_s, u"\t"_s, u"\n"_s, u"\v"_s, u"\u00a0"_s,
        u"\u2003"_s, u"\u3000"_s, u"\u0085"_s, u"\u180e"_s, u"\u2028"_s, u"-"_s, u"="_s, u"*"_s, u"|"_s, u":"_s,
        u"; "_s, u"."_s, u""_s, u"é"_s, u"_"_s, u"7"_s };
    QStringList pieces = { u"x"_s, u"ß"_s, u"ſ"_s, u"\u212a"_s, u"日本"_s, u"не"_s, u"😀"_s, u"mx.example.com"_s,
        u"dns;"_s, u"@"_s, u"<"_s };
    for (const auto &p : std::as_const(patterns)) {
        QVERIFY2(p.first->isValid(), qPrintable(p.first->reference().pattern()));
        for (const QString &word :
            p.first->reference().pattern().split(QRegularExpression(u"[^\\p{L}\\p{N}@.:;'-]+"_s), Qt::SkipEmptyParts))
            if (word.size() > 1 && !word.startsWith(u'?'))
                pieces << word << word.toUpper();
    }
    pieces.removeDuplicates();
    QStringList texts;
    QRandomGenerator random(3);
    for (int i = 0; i < 3000; ++i) {
        QString text;
        for (int n = random.bounded(1, 16); n > 0; --n)
            text += pieces.at(random.bounded(int(pieces.size())))
                + separators.at(random.bounded(int(separators.size())));
        texts << text;
    }
    QDirIterator files(QFINDTESTDATA("data/bounces"), { u"*.txt"_s }, QDir::Files);
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        texts << QString::fromUtf8(file.readAll());
    }
    QVERIFY(texts.size() > 3020);

    int matched = 0;
    for (const auto &[pattern, multiline] : std::as_const(patterns)) {
        const QRegularExpression reference = pattern->reference();
        QVERIFY(reference.isValid());
        QCOMPARE(reference.patternOptions(),
            QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption
                | (multiline ? QRegularExpression::MultilineOption : QRegularExpression::NoPatternOption));
        for (const QString &text : std::as_const(texts)) {
            const QRegularExpressionMatch m = reference.match(text);
            QVERIFY2(pattern->matches(text) == m.hasMatch(),
                qPrintable(reference.pattern().left(60) + u" | "_s + text.left(200)));
            matched += m.hasMatch();
            if (!m.hasMatch())
                continue;
            if (multiline) {
                // Only boundaries after the word lists are used, so the match starts where PCRE2's does.
                Re2Pattern::Match found;
                QVERIFY(pattern->match(text, 0, &found));
                QCOMPARE(found.start, m.capturedStart());
            }
            if (pattern == &BounceSignals::reportingHostPattern()) {
                Re2Pattern::Match found;
                QVERIFY(pattern->match(text, 0, &found, 3));
                for (int g = 1; g <= 3; ++g)
                    QCOMPARE(found.groups.at(g - 1), m.captured(g));
            }
        }
    }
    QVERIFY2(matched > 1000, qPrintable(QString::number(matched)));

    // identifyFormat (one RE2::Set) names the first marker that matches, as trying them in turn does.
    int identified = 0;
    for (const QString &text : std::as_const(texts)) {
        QString first;
        for (const auto &[name, marker] : BounceSignals::formatMarkers()) {
            if (marker->matches(QString(u"from\nsubject\n"_s + text.left(8000)))) {
                first = name;
                break;
            }
        }
        QCOMPARE(identifyFormat(u"from"_s, u"subject"_s, text), first);
        identified += !first.isEmpty();
    }
    QVERIFY2(identified > 100, qPrintable(QString::number(identified)));

    // Re2PatternSet says of each expression, in one pass, what the expression alone says; also with the
    // multi-line and case-sensitive ones among them, whose flags travel inside their syntax.
    QList<const Re2Pattern *> members;
    for (const auto &p : std::as_const(patterns))
        members.append(p.first);
    for (const Re2Pattern &p : TextScanner::remoteHostPatterns())
        members.append(&p);
    QVERIFY(members.size() <= 64);
    const Re2PatternSet set(members);
    int hits = 0;
    for (const QString &text : std::as_const(texts)) {
        const quint64 bits = set.matching(Re2Pattern::Text(text));
        for (qsizetype i = 0; i < members.size(); ++i) {
            const bool alone = members.at(i)->matches(text);
            QVERIFY2(bool(bits & (quint64(1) << i)) == alone,
                qPrintable(members.at(i)->reference().pattern().left(60) + u" | "_s + text.left(200)));
            hits += alone;
        }
    }
    QVERIFY2(hits > 1000, qPrintable(QString::number(hits)));
}

void TestBounceText::replyCodeTestPassesEveryMatch()
{
    // mayHoldReplyCode() lets findReply() and findAnchors() skip lines: it must pass every line that either
    // expression matches in, and it should fail the common lines with numbers.
    const QStringList pieces = { u"550"_s, u"421"_s, u"250"_s, u"5.1.1"_s, u"#5.1.1"_s, u"2024"_s, u"10:25:02"_s,
        u"192.0.2.1"_s, u"said"_s, u"returned"_s, u"<<<"_s, u"<-"_s, u"***"_s, u"Out:"_s, u"S:"_s, u"<a@example.com>"_s,
        u"..."_s, u"x"_s, u"é"_s, u"\u0665\u0660\u0660"_s, u"(#"_s, u"'"_s, u"\""_s, u"["_s, u"="_s, u">"_s, u":"_s,
        u","_s, u"/"_s, u"."_s };
    const QStringList separators = { u""_s, u" "_s, u"  "_s, u"\t"_s, u"-"_s, u"\u00a0"_s, u"\u3000"_s, u"\u180e"_s,
        u"\u2028"_s, u":"_s, u": "_s };
    QRandomGenerator random(5);
    const QRegularExpression &reply = TextScanner::replyStartPattern();
    const QRegularExpression &coded = TextScanner::codedAddressPattern();
    int matched = 0, skipped = 0;
    for (int i = 0; i < 40000; ++i) {
        // (A quarter start with a transcript marker right before a code, as in "<-550 …".)
        static const QStringList markers = { u"<<<"_s, u"<-"_s, u"***"_s, u"Out:"_s, u"S:"_s };
        QString line;
        if (random.bounded(4) == 0)
            line = markers.at(random.bounded(int(markers.size()))) + u"550"_s;
        for (int n = random.bounded(1, 8); n > 0; --n)
            line += pieces.at(random.bounded(int(pieces.size())))
                + separators.at(random.bounded(int(separators.size())));
        const bool matches = reply.match(line).hasMatch() || coded.match(line).hasMatch();
        const bool passes = TextScanner::mayHoldReplyCode(line);
        QVERIFY2(passes || !matches, qPrintable(line));
        matched += matches;
        skipped += !passes;
    }
    QVERIFY2(matched > 2000 && skipped > 5000, qPrintable(u"%1 %2"_s.arg(matched).arg(skipped)));
    QVERIFY(!TextScanner::mayHoldReplyCode(u"Date: Mon, 3 Jun 2024 10:15:02 +0200"));
    QVERIFY(TextScanner::mayHoldReplyCode(u"host mx.example.com[192.0.2.1] said: 550 5.1.1 unknown"));
}

QTEST_GUILESS_MAIN(TestBounceText)
#include "tst_bouncetext.moc"
