package web_test

// municipalMatrix is the authorization matrix of the municipalities'
// follow-up routes (see authzMatrix for the columns).
var municipalMatrix = []matrixRow{}
