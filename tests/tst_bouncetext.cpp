// The bounce decoder's fast text helpers (bounce/formats/regexmatch.h, parseHeaderFields) against the Qt calls
// and the slower code they stand in for: the same answers on every input tried.
#include "bounce/formats/mailtext.h"
#include "bounce/formats/regexmatch.h"

#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
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

QTEST_GUILESS_MAIN(TestBounceText)
#include "tst_bouncetext.moc"
