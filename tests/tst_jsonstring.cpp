// appendJsonString: the escapes, UTF-8 of every plane, lone surrogates, and a round trip through QJsonDocument.
#include "util/jsonstring.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace smtpscope::core;

class TestJsonString : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bytes_data();
    void bytes();
    void appendsToWhatIsThere();
    void roundTrip();
};

void TestJsonString::bytes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("json");
    QTest::addRow("empty") << QString() << QByteArray(R"("")");
    QTest::addRow("ascii") << u"550 5.1.1 user unknown"_qs << QByteArray(R"("550 5.1.1 user unknown")");
    QTest::addRow("escapes") << u"a\"b\\c\bd\fe\nf\rg\th"_qs << QByteArray(R"("a\"b\\c\bd\fe\nf\rg\th")");
    QTest::addRow("control") << QString(QChar(0x01)) + QChar(0x1f) + QChar(0x7f)
                             << QByteArray("\"\\u0001\\u001f\x7f\"");
    QTest::addRow("two bytes") << u"Empfänger"_qs << QByteArray("\"Empf\xc3\xa4nger\"");
    QTest::addRow("three bytes") << u"宛先不明"_qs
                                 << QByteArray("\"\xe5\xae\x9b\xe5\x85\x88\xe4\xb8\x8d\xe6\x98\x8e\"");
    QTest::addRow("surrogate pair") << u"x😀y"_qs << QByteArray("\"x\xf0\x9f\x98\x80y\"");
    QTest::addRow("lone high surrogate") << QString(QChar(0xd83d)) + u'a' << QByteArray("\"?a\"");
    QTest::addRow("lone low surrogate") << u'a' + QString(QChar(0xde00)) << QByteArray("\"a?\"");
    QTest::addRow("high surrogate at the end") << u"a"_qs + QChar(0xd83d) << QByteArray("\"a?\"");
}

void TestJsonString::bytes()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, json);
    QByteArray out;
    appendJsonString(out, text);
    QCOMPARE(out, json);
    // The same bytes as the UTF-8 QString gives, apart from the quotes and escapes.
    if (!text.contains(u'"') && !text.contains(u'\\')
        && std::none_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x20; }))
        QCOMPARE(out.mid(1, out.size() - 2), text.toUtf8());
}

void TestJsonString::appendsToWhatIsThere()
{
    QByteArray out = "{\"a\":";
    appendJsonString(out, u"b"_qs);
    out += '}';
    QCOMPARE(out, QByteArray(R"({"a":"b"})"));
}

void TestJsonString::roundTrip()
{
    // Random text from every range (no lone surrogates): QJsonDocument reads back exactly what was written.
    QRandomGenerator random(11);
    for (int i = 0; i < 2000; ++i) {
        QString text;
        for (int n = random.bounded(0, 40); n > 0; --n) {
            char32_t c = 0;
            switch (random.bounded(4)) {
            case 0:
                c = char32_t(random.bounded(0, 0x80));
                break;
            case 1:
                c = char32_t(random.bounded(0x80, 0x800));
                break;
            case 2:
                c = char32_t(random.bounded(0x800, 0xd800));
                break;
            default:
                c = char32_t(random.bounded(0x10000, 0x110000));
            }
            text += QString::fromUcs4(&c, 1);
        }
        QByteArray out = "[";
        appendJsonString(out, text);
        out += ']';
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QCOMPARE(doc.array().at(0).toString(), text);
    }
}

QTEST_APPLESS_MAIN(TestJsonString)
#include "tst_jsonstring.moc"
