// Placeholder so the package graph loads while this target is being written; removed by the lead.
