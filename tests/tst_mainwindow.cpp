// The GUI driven through real input: the decode pane and the code reference.
#include "codereferencedetail.h"
#include "codereferencemodel.h"
#include "codereferenceproxy.h"
#include "codereferenceview.h"
#include "decodepane.h"
#include "decodingview.h"
#include "mainwindow.h"
#include "replytextmap.h"
#include "statuscolors.h"

#include "reply/replyparser.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

using namespace smtpscope;
using ui::CodeReferenceModel;

namespace {

const QString gmail = QStringLiteral("550-5.7.26 This mail has been blocked because the sender is unauthenticated.\n"
                                     "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\n"
                                     "550 5.7.26 Learn more at https://support.google.com/mail/answer/81126 - gsmtp");

int countRows(const QAbstractItemModel *model, const QModelIndex &parent = {})
{
    int rows = model->rowCount(parent);
    for (int row = 0; row < model->rowCount(parent); ++row)
        rows += countRows(model, model->index(row, 0, parent));
    return rows;
}

QModelIndexList leaves(const QAbstractItemModel *model, const QModelIndex &parent)
{
    QModelIndexList out;
    for (int row = 0; row < model->rowCount(parent); ++row) {
        const QModelIndex child = model->index(row, 0, parent);
        if (model->rowCount(child) == 0
            && child.data(CodeReferenceModel::KindRole).toInt() >= CodeReferenceModel::ReplyCodeLeaf)
            out.append(child);
        else
            out += leaves(model, child);
    }
    return out;
}

QModelIndex topLevel(const QAbstractItemModel *model, const QString &title)
{
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data().toString() == title)
            return model->index(row, 0);
    return {};
}

// WCAG 2 contrast ratio.
double contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x2d));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x2a, 0x82, 0xda));
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    return p;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(core::KnowledgeBase::builtIn());
    }

    void cleanup() { QSettings().clear(); }

    void windowBasics()
    {
        ui::MainWindow window;
        QCOMPARE(window.windowTitle(), QStringLiteral("Smtpscope"));
        QVERIFY(window.decodePane());
        QVERIFY(window.codeReference());
        QCOMPARE(window.tabs()->count(), 3);
        QCOMPARE(
            window.tabs()->tabText(ui::MainWindow::DocumentsTab).remove(QLatin1Char('&')), QStringLiteral("Documents"));
        QCOMPARE(window.tabs()->tabText(ui::MainWindow::DecodeTab).remove(QLatin1Char('&')),
            QStringLiteral("Decode a reply"));
        QCOMPARE(window.tabs()->tabText(ui::MainWindow::ReferenceTab).remove(QLatin1Char('&')),
            QStringLiteral("Code reference"));
        // The empty state tells the user what to paste.
        QVERIFY(window.decodePane()->resultText().contains(QStringLiteral("Paste an SMTP reply")));
    }

    void decodeTypedReply()
    {
        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *pane = window.findChild<ui::DecodePane *>();
        QVERIFY(pane);
        const QString reply = QStringLiteral("550 5.1.1 <a@b.example>: Recipient address rejected: User unknown");
        QTest::keyClicks(pane->input(), reply);
        QTRY_VERIFY(pane->decodings().size() == 1 && pane->decodings().first().reply.lines == QStringList { reply });

        const core::Decoding d = pane->decodings().first();
        QCOMPARE(d.reply.code, 550);
        QCOMPARE(d.reply.status.toString(), QStringLiteral("5.1.1"));
        QCOMPARE(d.classification.reason, QStringLiteral("userunknown"));
        QVERIFY(d.classification.hard);

        const QString shown = pane->resultText();
        QVERIFY2(shown.contains(QStringLiteral("Permanent")), qPrintable(shown)); // class 5
        QVERIFY2(shown.contains(QStringLiteral("Addressing")), qPrintable(shown)); // subject 1
        QVERIFY2(shown.contains(QStringLiteral("5.1.1")), qPrintable(shown)); // detail
        QVERIFY2(shown.contains(QStringLiteral("userunknown")), qPrintable(shown)); // reason
        QVERIFY(shown.contains(QStringLiteral("Hard bounce")));
        QVERIFY(!shown.contains(QStringLiteral("Paste an SMTP reply")));
    }

    void decodeMultilineGmailReply()
    {
        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ui::DecodePane *pane = window.decodePane();
        // QTest::keyClicks() has no key for '\n': type each line, then Return.
        const QStringList lines = gmail.split(QLatin1Char('\n'));
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (i > 0)
                QTest::keyClick(pane->input(), Qt::Key_Return);
            QTest::keyClicks(pane->input(), lines.at(i));
        }
        QCOMPARE(pane->input()->toPlainText(), gmail);
        QTRY_VERIFY(pane->decodings().size() == 1 && pane->decodings().first().reply.lines.size() == 3
            && pane->decodings().first().reply.text().endsWith(QLatin1String("gsmtp")));
        const core::Decoding d = pane->decodings().first();
        QCOMPARE(d.reply.status.toString(), QStringLiteral("5.7.26"));
        QCOMPARE(d.reply.code, 550);
        QVERIFY(pane->parseErrors().isEmpty());
        QVERIFY(pane->resultText().contains(QStringLiteral("5.7.26")));
        QVERIFY(pane->resultText().contains(QStringLiteral("What to do")));
    }

    void contextFieldsRedecode()
    {
        ui::MainWindow window;
        ui::DecodePane *pane = window.decodePane();
        pane->setReplyText(QStringLiteral("421 4.7.0 Try again later"));
        QCOMPARE(pane->decodings().size(), 1);
        QVERIFY(pane->decodings().first().scope.providerIds.isEmpty());
        // Typing in a context field decodes again with that domain: its provider comes into scope.
        QTest::keyClicks(pane->recipientDomainEdit(), QStringLiteral("yahoo.com"));
        QTRY_VERIFY(pane->decodings().size() == 1
            && pane->decodings().first().scope.providerIds.contains(QStringLiteral("yahoo")));
        QVERIFY(pane->resultText().contains(QStringLiteral("Yahoo")));
    }

    void parseErrorShownInline()
    {
        ui::MainWindow window;
        ui::DecodePane *pane = window.decodePane();
        QTest::keyClicks(pane->input(), QStringLiteral("hello world"));
        QTRY_COMPARE(pane->parseErrors().size(), 1);
        QVERIFY(pane->decodings().isEmpty());
        QVERIFY(pane->resultText().contains(QStringLiteral("three-digit reply code")));
        QVERIFY(pane->resultText().contains(QStringLiteral("No SMTP reply found")));

        pane->input()->clear();
        QTRY_VERIFY(pane->resultText().contains(QStringLiteral("Paste an SMTP reply")));
    }

    void exampleLinkFillsInput()
    {
        ui::MainWindow window;
        ui::DecodePane *pane = window.decodePane();
        Q_EMIT pane->resultView()->anchorClicked(QUrl(QStringLiteral("example:0")));
        QCOMPARE(pane->input()->toPlainText(), ui::DecodingView::examples().first());
        QCOMPARE(pane->decodings().size(), 1);
        QCOMPARE(pane->decodings().first().reply.status.toString(), QStringLiteral("5.7.26"));
    }

    void evidenceMapsToRawLines()
    {
        const core::ReplyParseResult parsed = core::ReplyParser::parse(gmail);
        QCOMPARE(parsed.replies.size(), 1);
        const core::Reply &reply = parsed.replies.first();
        const QString text = reply.text();
        const QString word = QStringLiteral("senders to authenticate");
        const qsizetype at = text.indexOf(word);
        QVERIFY(at > 0);
        const QList<ui::ReplyTextMap::Span> spans = ui::ReplyTextMap(reply).spans(at, word.size());
        QCOMPARE(spans.size(), 1);
        QCOMPARE(spans.first().line, 1);
        QCOMPARE(reply.lines.at(1).mid(spans.first().start, spans.first().length), word);

        // Words that run across two lines are highlighted on both.
        const QString across = QStringLiteral("unauthenticated. Gmail");
        const QList<ui::ReplyTextMap::Span> split = ui::ReplyTextMap(reply).spans(text.indexOf(across), across.size());
        QCOMPARE(split.size(), 2);
        QCOMPARE(reply.lines.at(0).mid(split.at(0).start, split.at(0).length), QStringLiteral("unauthenticated."));
        QCOMPARE(reply.lines.at(1).mid(split.at(1).start, split.at(1).length), QStringLiteral("Gmail"));
    }

    void colorsAreReadable_data()
    {
        QTest::addColumn<QPalette>("palette");
        QTest::addColumn<bool>("dark");
        std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
        QTest::addRow("light (Fusion)") << fusion->standardPalette() << false;
        QTest::addRow("dark") << darkPalette() << true;
    }

    void colorsAreReadable()
    {
        QFETCH(QPalette, palette);
        QFETCH(bool, dark);
        const ui::StatusColors colors(palette);
        QCOMPARE(colors.isDark(), dark);
        const QColor base = palette.color(QPalette::Base);
        for (int cls : { 0, 2, 3, 4, 5 }) {
            QVERIFY2(
                contrast(colors.badgeText(cls), colors.badgeBackground(cls)) >= 4.5, qPrintable(QString::number(cls)));
            if (cls)
                QVERIFY2(contrast(colors.accent(cls), base) >= 4.5, qPrintable(QString::number(cls)));
        }
        QVERIFY(contrast(colors.evidenceText(), colors.evidenceBackground()) >= 4.5);
        QVERIFY(contrast(colors.muted(), base) >= 4.5);
        QVERIFY(contrast(palette.color(QPalette::Text), colors.panel()) >= 7.0);
    }

    void codeReferenceSearch()
    {
        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        auto *reference = window.findChild<ui::CodeReferenceView *>();
        QVERIFY(reference);
        const QAbstractItemModel *proxy = reference->treeView()->model();
        const int allRows = countRows(proxy);
        QCOMPARE(allRows, countRows(reference->model()));

        // Ctrl+F goes to the reference and focuses its search field.
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(window.tabs()->currentWidget(), reference);
        QTRY_VERIFY(reference->searchField()->hasFocus());

        QTest::keyClicks(reference->searchField(), QStringLiteral("5.7.26"));
        const QModelIndex enhanced = topLevel(proxy, QStringLiteral("Enhanced status codes"));
        QVERIFY(enhanced.isValid());
        const QModelIndexList found = leaves(proxy, enhanced);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().data().toString(), QStringLiteral("X.7.26"));
        QVERIFY(reference->treeView()->isExpanded(found.first().parent()));
        // The first match is selected and explained.
        QCOMPARE(reference->treeView()->currentIndex().siblingAtColumn(0), found.first());
        QVERIFY(reference->detail()->toPlainText().contains(QStringLiteral("Multiple authentication checks failed")));
        QVERIFY(reference->detail()->toPlainText().contains(QStringLiteral("5.7.26")));

        reference->searchField()->clear();
        QCOMPARE(countRows(proxy), allRows);
    }

    void proxySearch_data()
    {
        QTest::addColumn<QString>("search");
        QTest::addColumn<QStringList>("enhancedCodes");
        QTest::addRow("5.7.26") << QStringLiteral("5.7.26") << QStringList { QStringLiteral("X.7.26") };
        QTest::addRow("4.7.26") << QStringLiteral("4.7.26") << QStringList { QStringLiteral("X.7.26") };
        QTest::addRow("registry form") << QStringLiteral("x.7.26") << QStringList { QStringLiteral("X.7.26") };
        QTest::addRow("5.1.1 is not 5.1.10") << QStringLiteral("5.1.1") << QStringList { QStringLiteral("X.1.1") };
        QTest::addRow("case-insensitive title")
            << QStringLiteral("MULTIPLE AUTHENTICATION") << QStringList { QStringLiteral("X.7.26") };
        QTest::addRow("nothing") << QStringLiteral("zzzz-no-such-thing") << QStringList {};
    }

    void proxySearch()
    {
        QFETCH(QString, search);
        QFETCH(QStringList, enhancedCodes);
        CodeReferenceModel model;
        model.setKnowledgeBase(core::KnowledgeBase::builtIn());
        ui::CodeReferenceProxy proxy;
        proxy.setSourceModel(&model);
        proxy.setSearchText(search);
        QStringList codes;
        const QModelIndex enhanced = proxy.mapFromSource(model.groupIndex(CodeReferenceModel::EnhancedCodesGroup));
        for (const QModelIndex &leaf : leaves(&proxy, enhanced))
            codes.append(leaf.data().toString());
        QCOMPARE(codes, enhancedCodes);
    }

    void providerRulesAreNotFoundByStatus()
    {
        CodeReferenceModel model;
        model.setKnowledgeBase(core::KnowledgeBase::builtIn());
        const QModelIndex providers = model.groupIndex(CodeReferenceModel::ProviderRulesGroup);
        QVERIFY(model.rowCount(providers) > 0);
        for (const QModelIndex &leaf : leaves(&model, providers)) {
            const core::RuleEntry *rule = model.rule(leaf);
            QVERIFY(rule);
            const QString search = leaf.data(CodeReferenceModel::SearchTextRole).toString();
            QVERIFY2(!search.contains(rule->id), qPrintable(rule->id));
            for (const QString &status : rule->statuses)
                QVERIFY2(!search.contains(status) || rule->meaning.contains(status), qPrintable(rule->id));
        }
    }

    void modelTester()
    {
        CodeReferenceModel model;
        QAbstractItemModelTester emptyTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setKnowledgeBase(core::KnowledgeBase::builtIn());
        QVERIFY(model.rowCount() >= 3);
        QVERIFY(model.rowCount(model.groupIndex(CodeReferenceModel::EnhancedCodesGroup)) == 8);
        QCOMPARE(model.columnCount(), int(CodeReferenceModel::ColumnCount));

        ui::CodeReferenceProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSearchText(QStringLiteral("5.7.26"));
        QVERIFY(countRows(&proxy) > 0);
        proxy.setSearchText(QStringLiteral("mailbox full"));
        proxy.sort(CodeReferenceModel::TitleColumn, Qt::DescendingOrder);
        proxy.setSearchText(QString());
        QCOMPARE(countRows(&proxy), countRows(&model));
        model.setKnowledgeBase(core::KnowledgeBase::builtIn());
        QCOMPARE(countRows(&proxy), countRows(&model));
    }

    void geometryIsRestored()
    {
        QSize size;
        {
            ui::MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.resize(913, 611);
            QTRY_COMPARE(window.size(), QSize(913, 611));
            window.tabs()->setCurrentIndex(ui::MainWindow::ReferenceTab);
            window.close();
            size = window.size();
        }
        ui::MainWindow again;
        QCOMPARE(again.size(), size);
        QCOMPARE(again.tabs()->currentIndex(), int(ui::MainWindow::ReferenceTab));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
