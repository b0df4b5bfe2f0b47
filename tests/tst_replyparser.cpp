// Reply grammar: multi-line replies, enhanced codes on every line, and real-world deviations.
#include "reply/replyparser.h"

#include <QTest>

using namespace smtpscope::core;

class TestReplyParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void enhancedStatus_data();
    void enhancedStatus();
    void singleLine_data();
    void singleLine();
    void multiLine();
    void multiLineWithDifferentEnhancedCodes();
    void severalReplies();
    void continuationWithoutCode();
    void textBeforeAnyReply();
    void truncatedMultiLine();
    void classMismatchIsFlaggedNotRejected();
    void hashPrefixedStatus();
    void nonStandardCode();
    void lineEndings_data();
    void lineEndings();
    void diagnosticPrefix();
    void binaryGarbage();
};

void TestReplyParser::enhancedStatus_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::addRow("simple") << u"5.1.1"_qs << u"5.1.1"_qs;
    QTest::addRow("three-digit parts") << u"5.7.606"_qs << u"5.7.606"_qs;
    QTest::addRow("success") << u"2.0.0"_qs << u"2.0.0"_qs;
    QTest::addRow("class 3 is not allowed") << u"3.0.0"_qs << QString();
    QTest::addRow("four-digit detail") << u"5.1.1000"_qs << QString();
    QTest::addRow("missing detail") << u"5.1"_qs << QString();
    QTest::addRow("trailing dot") << u"5.1.1."_qs << QString();
    QTest::addRow("letters") << u"5.x.1"_qs << QString();
    QTest::addRow("empty") << QString() << QString();
}

void TestReplyParser::enhancedStatus()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(EnhancedStatus::fromString(text).toString(), expected);
}

void TestReplyParser::singleLine_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("text");
    QTest::addRow("plain") << u"550 5.1.1 <a@b.example>: Recipient address rejected: User unknown"_qs << 550
                           << u"5.1.1"_qs << u"<a@b.example>: Recipient address rejected: User unknown"_qs;
    QTest::addRow("bare code") << u"250"_qs << 250 << QString() << QString();
    QTest::addRow("no enhanced code") << u"552 1 message too large"_qs << 552 << QString() << u"1 message too large"_qs;
    QTest::addRow("double spaces") << u"550  5.1.1  User  unknown"_qs << 550 << u"5.1.1"_qs << u"User unknown"_qs;
    QTest::addRow("leading blanks") << u"   421 4.4.2 Timeout"_qs << 421 << u"4.4.2"_qs << u"Timeout"_qs;
    QTest::addRow("tab separator") << u"451\t4.3.0 Try later"_qs << 451 << u"4.3.0"_qs << u"Try later"_qs;
    QTest::addRow("code glued to text is not a code") << u"550User unknown"_qs << 0 << QString() << QString();
}

void TestReplyParser::singleLine()
{
    QFETCH(QString, line);
    QFETCH(int, code);
    QFETCH(QString, status);
    QFETCH(QString, text);
    const ReplyParseResult r = ReplyParser::parse(line);
    if (code == 0) {
        QVERIFY(r.replies.isEmpty());
        QCOMPARE(r.errors.size(), 1);
        QVERIFY(r.errors.first().message.contains(u"three-digit reply code"_qs));
        return;
    }
    QCOMPARE(r.replies.size(), 1);
    const Reply &reply = r.replies.first();
    QCOMPARE(reply.code, code);
    QCOMPARE(reply.status.toString(), status);
    QCOMPARE(reply.text(), text);
    QCOMPARE(reply.firstLine, 1);
    QCOMPARE(reply.lastLine, 1);
}

void TestReplyParser::multiLine()
{
    const ReplyParseResult r
        = ReplyParser::parse(u"550-5.7.26 This mail has been blocked because the sender is\r\n"
                             "550-5.7.26 unauthenticated. Gmail requires all senders to authenticate.\r\n"
                             "550 5.7.26 Learn more - gsmtp\r\n"_qs);
    QCOMPARE(r.replies.size(), 1);
    const Reply &reply = r.replies.first();
    QCOMPARE(reply.code, 550);
    QCOMPARE(reply.status.toString(), u"5.7.26"_qs);
    QCOMPARE(reply.lines.size(), 3);
    QCOMPARE(reply.lastLine, 3);
    QCOMPARE(reply.text(),
        u"This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to "
        "authenticate. Learn more - gsmtp"_qs);
    QVERIFY(reply.issues.isEmpty());
}

void TestReplyParser::multiLineWithDifferentEnhancedCodes()
{
    const ReplyParseResult r = ReplyParser::parse(u"450-4.2.1 first\n450 4.2.2 second"_qs);
    QCOMPARE(r.replies.size(), 1);
    QCOMPARE(r.replies.first().status.toString(), u"4.2.1"_qs);
    QCOMPARE(r.replies.first().issues.size(), 1);
    QCOMPARE(r.replies.first().issues.first().line, 2);
}

void TestReplyParser::severalReplies()
{
    const ReplyParseResult r = ReplyParser::parse(
        u"250-mx.example.com Hello\n250-PIPELINING\n250 SIZE 10240000\n250 2.1.0 Ok\n\n550 5.1.1 nope"_qs, 10);
    QCOMPARE(r.replies.size(), 3);
    QCOMPARE(r.replies.at(0).lines.size(), 3);
    QCOMPARE(r.replies.at(0).firstLine, 10);
    QCOMPARE(r.replies.at(1).code, 250);
    QCOMPARE(r.replies.at(1).firstLine, 13);
    QCOMPARE(r.replies.at(2).code, 550);
    QCOMPARE(r.replies.at(2).firstLine, 15);
}

void TestReplyParser::continuationWithoutCode()
{
    const ReplyParseResult r = ReplyParser::parse(
        u"554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked\n   using zen.example"_qs);
    QCOMPARE(r.replies.size(), 1);
    QVERIFY(r.errors.isEmpty());
    QCOMPARE(r.replies.first().text(), u"Service unavailable; Client host [192.0.2.1] blocked using zen.example"_qs);
    QCOMPARE(r.replies.first().issues.size(), 1);
    QCOMPARE(r.replies.first().issues.first().severity, ReplyIssue::Severity::Info);
}

void TestReplyParser::textBeforeAnyReply()
{
    const ReplyParseResult r = ReplyParser::parse(u"Hello there\n550 5.1.1 unknown"_qs);
    QCOMPARE(r.replies.size(), 1);
    QCOMPARE(r.errors.size(), 1);
    QCOMPARE(r.errors.first().line, 1);
    QVERIFY(r.errors.first().message.contains(u"\"Hello there\""_qs));
}

void TestReplyParser::truncatedMultiLine()
{
    const ReplyParseResult r = ReplyParser::parse(u"421-4.7.0 Try again later,\n421-4.7.0 closing"_qs);
    QCOMPARE(r.replies.size(), 1);
    const auto &issues = r.replies.first().issues;
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues.first().severity, ReplyIssue::Severity::Warning);
    QVERIFY(issues.first().message.contains(u"final line is missing"_qs));
}

void TestReplyParser::classMismatchIsFlaggedNotRejected()
{
    const ReplyParseResult r = ReplyParser::parse(u"451 5.7.1 Please try again later"_qs);
    QCOMPARE(r.replies.size(), 1);
    QCOMPARE(r.replies.first().code, 451);
    QCOMPARE(r.replies.first().status.toString(), u"5.7.1"_qs);
    QCOMPARE(r.replies.first().issues.size(), 1);
    QVERIFY(r.replies.first().issues.first().message.contains(u"Server inconsistency"_qs));
}

void TestReplyParser::hashPrefixedStatus()
{
    const ReplyParseResult r = ReplyParser::parse(u"550 #5.1.0 Address rejected"_qs);
    QCOMPARE(r.replies.size(), 1);
    QCOMPARE(r.replies.first().status.toString(), u"5.1.0"_qs);
    QCOMPARE(r.replies.first().text(), u"Address rejected"_qs);
    QCOMPARE(r.replies.first().issues.size(), 1);
}

void TestReplyParser::nonStandardCode()
{
    const ReplyParseResult r = ReplyParser::parse(u"571 Delivery not authorized"_qs);
    QCOMPARE(r.replies.size(), 1);
    QCOMPARE(r.replies.first().code, 571);
    QCOMPARE(r.replies.first().issues.size(), 1);
    QVERIFY(r.replies.first().issues.first().message.contains(u"not a reply code RFC 5321 allows"_qs));
}

void TestReplyParser::lineEndings_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("LF") << u"550-a\n550 b\n"_qs;
    QTest::addRow("CRLF") << u"550-a\r\n550 b\r\n"_qs;
    QTest::addRow("CR") << u"550-a\r550 b\r"_qs;
}

void TestReplyParser::lineEndings()
{
    QFETCH(QString, text);
    const ReplyParseResult r = ReplyParser::parse(text);
    QCOMPARE(r.replies.size(), 1);
    QCOMPARE(r.replies.first().text(), u"a b"_qs);
    QCOMPARE(r.replies.first().lastLine, 2);
}

void TestReplyParser::diagnosticPrefix()
{
    const ReplyParseResult r = ReplyParser::parse(u"smtp; 550 5.1.1 user unknown"_qs);
    QCOMPARE(r.replies.size(), 1);
    QCOMPARE(r.replies.first().code, 550);
    QCOMPARE(r.replies.first().status.toString(), u"5.1.1"_qs);
}

void TestReplyParser::binaryGarbage()
{
    QString garbage;
    for (int i = 0; i < 4096; ++i)
        garbage.append(QChar(char16_t((i * 7919) % 0xD7FF)));
    const ReplyParseResult r = ReplyParser::parse(garbage);
    QVERIFY(r.replies.isEmpty());
    QVERIFY(!r.errors.isEmpty());
}

QTEST_GUILESS_MAIN(TestReplyParser)
#include "tst_replyparser.moc"
