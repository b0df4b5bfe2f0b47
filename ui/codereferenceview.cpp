#include "codereferenceview.h"

#include "codereferencedetail.h"
#include "codereferencemodel.h"
#include "codereferenceproxy.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace smtpscope::ui {

namespace {

int countLeaves(const QAbstractItemModel *model, const QModelIndex &parent)
{
    int leaves = 0;
    for (int row = 0; row < model->rowCount(parent); ++row) {
        const QModelIndex child = model->index(row, 0, parent);
        const int below = countLeaves(model, child);
        leaves += below == 0
                && model->data(child, CodeReferenceModel::KindRole).toInt() >= CodeReferenceModel::ReplyCodeLeaf
            ? 1
            : below;
    }
    return leaves;
}

} // namespace

CodeReferenceView::CodeReferenceView(std::shared_ptr<const core::KnowledgeBase> kb, QWidget *parent)
    : QWidget(parent)
    , m_model(new CodeReferenceModel(this))
    , m_proxy(new CodeReferenceProxy(this))
{
    m_model->setKnowledgeBase(std::move(kb));
    m_proxy->setSourceModel(m_model);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("referenceSearch"));
    m_search->setPlaceholderText(
        QStringLiteral("Search codes, titles and meanings, e.g. 5.7.26, 421 or mailbox full (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    if (const QIcon find = QIcon::fromTheme(QStringLiteral("edit-find")); !find.isNull())
        m_search->addAction(find, QLineEdit::LeadingPosition);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("referenceCount"));

    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("referenceTree"));
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(CodeReferenceModel::CodeColumn, Qt::AscendingOrder);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setTextElideMode(Qt::ElideRight);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(CodeReferenceModel::CodeColumn, 270);
    m_tree->header()->resizeSection(CodeReferenceModel::TitleColumn, 250);

    m_detail = new CodeReferenceDetail(m_model, this);
    m_detail->setObjectName(QStringLiteral("referenceDetail"));

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("referenceSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_tree);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({ 800, 400 });

    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_search, 1);
    searchRow->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(searchRow);
    layout->addWidget(m_splitter, 1);

    connect(m_search, &QLineEdit::textChanged, this, &CodeReferenceView::applySearch);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CodeReferenceView::showCurrent);
    // Group rows span all columns; rows come and go with the filter, so spans are set again.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] { updateSpans(); });
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, [this] { updateSpans(); });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] { updateSpans(); });

    applySearch();
}

void CodeReferenceView::setSearchText(const QString &text)
{
    m_search->setText(text);
    applySearch();
}

void CodeReferenceView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void CodeReferenceView::updateSpans()
{
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        m_tree->setFirstColumnSpanned(row, {}, true);
}

void CodeReferenceView::applySearch()
{
    m_proxy->setSearchText(m_search->text());
    updateSpans();
    const int leaves = countLeaves(m_proxy, {});
    if (m_proxy->searchText().isEmpty()) {
        m_tree->collapseAll();
        for (int row = 0; row < m_proxy->rowCount(); ++row)
            m_tree->expand(m_proxy->index(row, 0));
        m_count->setText(QStringLiteral("%1 entries").arg(leaves));
        return;
    }
    m_tree->expandAll();
    m_count->setText(leaves == 1 ? QStringLiteral("1 match") : QStringLiteral("%1 matches").arg(leaves));
    selectFirstLeaf();
}

void CodeReferenceView::selectFirstLeaf()
{
    QModelIndex index = m_proxy->index(0, 0);
    while (index.isValid() && m_proxy->rowCount(index) > 0)
        index = m_proxy->index(0, 0, index);
    if (!index.isValid())
        return;
    m_tree->setCurrentIndex(index);
    // The first leaf's groups are above it: show them too.
    m_tree->scrollToTop();
}

void CodeReferenceView::showCurrent()
{
    m_detail->showEntry(m_proxy->mapToSource(m_tree->currentIndex()));
}

} // namespace smtpscope::ui
